import { Readable } from 'node:stream';
import { CoreError } from '../../errors.ts';
import type { SqlDb } from '../../store/sql.ts';
import { csvCell } from '../../email/subscriber-export.ts';
import { createRecipientStore, type RecipientStatus, type SendCounts, type SendState } from './recipient-store.ts';

/**
 * What a person can do with an email send while it runs: see its counts,
 * pause, resume, cancel, and export the recipients it failed. Pausing and
 * cancelling are states the running fan-out reads every half second; resuming
 * makes the waiting delivery due now, so the worker picks it up at once.
 */
export type SendStatus = { deliveryId: string; state: SendState; pausedReason: string | null; counts: SendCounts };

export const FAILED_STATUSES: readonly RecipientStatus[] = [
  'rejected',
  'unconfirmed',
  'deferred',
  'skipped',
  'cancelled',
];

export function createSendControl(deps: { db: SqlDb; now: () => Date }) {
  const store = createRecipientStore(deps.db);
  const require = async (deliveryId: string) => {
    const send = await store.send(deliveryId);
    if (!send)
      throw new CoreError('not_found', 'That delivery has no email send (it has not started, or is not email)');
    return send;
  };
  return {
    async status(deliveryId: string): Promise<SendStatus> {
      const send = await require(deliveryId);
      return { deliveryId, state: send.state, pausedReason: send.pausedReason, counts: await store.counts(deliveryId) };
    },

    async pause(deliveryId: string, reason = 'Paused by a person.'): Promise<SendStatus> {
      const send = await require(deliveryId);
      if (send.state !== 'sending')
        throw new CoreError('conflict', `This send is ${send.state}; only a send in progress can be paused`);
      await store.setState(deliveryId, 'paused', reason, deps.now().toISOString());
      return this.status(deliveryId);
    },

    async resume(deliveryId: string): Promise<SendStatus> {
      const send = await require(deliveryId);
      if (send.state !== 'paused')
        throw new CoreError('conflict', `This send is ${send.state}; only a paused send can be resumed`);
      const at = deps.now().toISOString();
      await deps.db.transaction(async (tx) => {
        await tx.run(
          `UPDATE email_sends SET state = 'sending', paused_reason = NULL, updated_at = $2 WHERE delivery_id = $1`,
          [deliveryId, at],
        );
        // The delivery waits (retry_wait) after the pause: make it due now.
        await tx.run(`UPDATE deliveries SET next_attempt_at = $2 WHERE id = $1 AND status = 'retry_wait'`, [
          deliveryId,
          at,
        ]);
      });
      return this.status(deliveryId);
    },

    /** Stops the send: recipients not yet sent are `cancelled` (a message already on its way still ends as it ends). */
    async cancel(deliveryId: string): Promise<SendStatus> {
      const send = await require(deliveryId);
      if (send.state === 'done' || send.state === 'cancelled')
        throw new CoreError('conflict', `This send is already ${send.state}`);
      const at = deps.now().toISOString();
      await store.setState(deliveryId, 'cancelled', null, at);
      await store.cancelRemaining(deliveryId, at);
      await deps.db.run(`UPDATE deliveries SET next_attempt_at = $2 WHERE id = $1 AND status = 'retry_wait'`, [
        deliveryId,
        at,
      ]);
      return this.status(deliveryId);
    },

    /** CSV of the recipients who did not get the message, with the relay's answer, streamed a page at a time. */
    exportFailures(deliveryId: string, pageSize = 1000): Readable {
      async function* lines(): AsyncGenerator<string> {
        yield 'email,status,attempts,smtp_code,smtp_reply,updated_at\r\n';
        let after = '';
        for (;;) {
          const page = await store.page(deliveryId, FAILED_STATUSES, after, pageSize);
          if (page.length === 0) return;
          yield page
            .map((r) =>
              [
                r.email,
                r.status,
                String(r.attempts),
                r.smtpCode === null ? '' : String(r.smtpCode),
                r.smtpReply,
                r.updatedAt,
              ]
                .map(csvCell)
                .join(','),
            )
            .map((l) => `${l}\r\n`)
            .join('');
          after = page.at(-1)?.subscriberId ?? after;
          if (page.length < pageSize) return;
        }
      }
      return Readable.from(lines(), { objectMode: false });
    },
  };
}

export type SendControl = ReturnType<typeof createSendControl>;
