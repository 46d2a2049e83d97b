import { randomUUID } from 'node:crypto';
import { createAuditLog } from '../audit/audit-log.ts';
import { WORKER_ACTOR } from '../people/actor.ts';
import { activeApproverIds, insertComment, insertNotifications } from '../review/notifications.ts';
import { applyDeliveryEvent } from './apply-event.ts';
import { createDeliveryRepository } from './delivery-repository.ts';
import { workerStep, type WorkerEnv } from './worker-env.ts';

/**
 * A publication scheduled before its approval arrived (`pending`) whose send
 * time has come without approval is not sent: its deliveries are cancelled,
 * it is marked `lapsed`, and the author, the publisher and every approver are
 * told (issue 4: "a scheduled update whose approval has not arrived by its
 * send time is not sent"). The claim never takes a pending publication's
 * deliveries, so this is the only thing that happens to them at their time.
 * The publication's own time counts, not the delivery's: a delivery to a
 * platform that publishes at the time itself is due at once, and waits only
 * for the approval.
 */
export async function lapseUnapproved(env: WorkerEnv): Promise<string[]> {
  const time = env.now();
  // From the (few) pending publications, not from the deliveries: a join from the deliveries' side read every
  // queued delivery on each pass (220 ms with 30,000 waiting on SQLite).
  const due = await env.db.all(
    `SELECT p.id FROM publications p
     WHERE p.authorisation = 'pending' AND EXISTS (SELECT 1 FROM deliveries d WHERE d.publication_id = p.id
       AND d.status IN ('scheduled', 'queued') AND COALESCE(p.scheduled_at, d.next_attempt_at) <= $1)
     LIMIT 50`,
    [time.toISOString()],
  );
  const audit = createAuditLog({ now: env.now });
  const lapsed: string[] = [];
  for (const row of due) {
    const publicationId = String(row.id);
    const result = await env.db.transaction(async (tx) => {
      const lock = tx.engine === 'postgres' ? 'FOR UPDATE OF p' : '';
      const p = await tx.one(
        `SELECT p.id, p.update_id, p.update_revision, p.created_by, u.title, u.created_by AS author
         FROM publications p JOIN updates u ON u.id = p.update_id
         WHERE p.id = $1 AND p.authorisation = 'pending' ${lock}`,
        [publicationId],
      );
      if (!p) return null; // approved (or lapsed by another worker) meanwhile
      await tx.run(`UPDATE publications SET authorisation = 'lapsed' WHERE id = $1`, [publicationId]);
      const repo = createDeliveryRepository(tx);
      const changes = [];
      const ids = await tx.all(`SELECT id FROM deliveries WHERE publication_id = $1`, [publicationId]);
      for (const d of ids) {
        const record = await repo.get(String(d.id), { lock: true });
        if (!record) continue;
        const step = await applyDeliveryEvent(tx, record, { type: 'cancel' }, workerStep(env, undefined, time));
        if (step.ok) changes.push(step.change);
      }
      const title = String(p.title) || 'Untitled update';
      const message = `“${title}” was not sent: its send time came before it was approved. Approve it, then publish it again.`;
      await insertNotifications(tx, {
        userIds: [
          ...(p.author ? [String(p.author)] : []),
          ...(p.created_by ? [String(p.created_by)] : []),
          ...(await activeApproverIds(tx)),
        ],
        updateId: String(p.update_id),
        kind: 'not_sent',
        message,
        at: time.toISOString(),
        newId: randomUUID,
      });
      await insertComment(tx, {
        id: randomUUID(),
        updateId: String(p.update_id),
        submissionId: null,
        revision: Number(p.update_revision),
        authorId: null,
        kind: 'not_sent',
        body: message,
        at: time.toISOString(),
      });
      await audit.record(
        tx,
        { ...WORKER_ACTOR, name: `Queue worker ${env.id}` },
        {
          action: 'publication.not_sent',
          subjectType: 'publication',
          subjectId: publicationId,
          details: {
            updateId: String(p.update_id),
            revision: Number(p.update_revision),
            reason: 'not approved by its send time',
          },
        },
      );
      return changes;
    });
    if (result) {
      result.forEach(env.emit);
      lapsed.push(publicationId);
      env.logger.warn('A scheduled publication was not sent: it was not approved by its send time', { publicationId });
    }
  }
  return lapsed;
}
