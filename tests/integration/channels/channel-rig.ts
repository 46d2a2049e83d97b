import type { ChannelKind } from '../../../shared/channels/kinds.ts';
import type { Doc } from '../../../shared/content/doc.ts';
import type { Delivery, DeliveryStatus } from '../../../shared/domain/queue.ts';
import type { Variants } from '../../../shared/domain/variants.ts';
import type { Core } from '../../../electron/core/app.ts';
import type { SqlExecutor } from '../../../electron/core/store/sql.ts';
import { approveCurrent } from '../../support/people.ts';
import { sleep } from '../queue/queue-harness.ts';
import { callOk, plainBody } from '../store/store-suite.ts';

/** What a channel test changes in the update it publishes; the rest is a short bin-collections notice. */
export type RigUpdate = { title?: string; summary?: string; body?: Doc; variants?: Variants };

const DEFAULT_TEXT = 'Green bins are collected on Tuesdays from 6 July.';

/**
 * The steps every channel's queue tests share: write an update for one
 * channel, have another person approve it, and publish it to one target;
 * then read a delivery back through `queue.get` and wait for its status.
 */
export function channelRig(core: Core, db: SqlExecutor, channel: ChannelKind, targetId: string) {
  /** Publishes an approved update to the target and returns its delivery id. */
  async function publish(update: RigUpdate = {}): Promise<string> {
    const created = await callOk(core, 'updates.create', {
      title: update.title ?? 'Bin collections change',
      summary: update.summary ?? DEFAULT_TEXT,
      body: update.body ?? plainBody(DEFAULT_TEXT),
      channels: [channel],
      variants: update.variants ?? {},
    });
    await approveCurrent(core, created.id);
    const publication = await callOk(core, 'queue.publish', { updateId: created.id, targetIds: [targetId] });
    return publication.deliveries[0]?.id ?? '';
  }

  async function delivery(id: string): Promise<Delivery> {
    const row = await db.one('SELECT publication_id FROM deliveries WHERE id = $1', [id]);
    const detail = await callOk(core, 'queue.get', { publicationId: String(row?.publication_id) });
    const found = detail.deliveries.find((d) => d.id === id);
    if (!found) throw new Error(`No delivery ${id}`);
    return found;
  }

  /** Waits until the delivery reaches one of `statuses`, and returns it; says where it stopped when it does not. */
  async function waitFor(id: string, statuses: DeliveryStatus[], timeoutMs = 10_000): Promise<Delivery> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await delivery(id);
      if (statuses.includes(current.status)) return current;
      if (Date.now() > deadline) throw new Error(`Delivery is ${current.status}, not ${statuses.join(' or ')}`);
      await sleep(20);
    }
  }

  return { publish, delivery, waitFor };
}
