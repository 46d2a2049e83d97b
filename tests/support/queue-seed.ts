import { randomUUID } from 'node:crypto';
import type { SqlDb } from '../../electron/core/store/sql.ts';

/**
 * Many publications at once, for the queue's load tests and its benchmark:
 * the same rows `queue.publish` writes (publication, one queued delivery per
 * target, a `publish` history row each), as multi-row INSERTs in batches, so
 * thousands take a second or two instead of one transaction each. The
 * version must exist and be approved: publish it once through the core
 * first, then copy its revision and content hash here.
 */
export type SeedPublications = {
  updateId: string;
  updateRevision: number;
  contentHash: string;
  targetIds: readonly string[];
  count: number;
  /** Who published them (a user id), for the history's actor. */
  createdBy?: string | null;
  /** Publications per transaction. */
  batch?: number;
};

export type SeededPublications = {
  publicationIds: string[];
  /** Every delivery, in insertion order (publication by publication, target by target). */
  deliveries: { id: string; publicationId: string; targetId: string; idempotencyKey: string }[];
};

/** `(…), (…)` for `rows` rows of `perRow` parameters each; `row` writes one, given its parameters by index. */
const valuesList = (rows: number, perRow: number, row: (p: (i: number) => string) => string) =>
  Array.from({ length: rows }, (_, r) => row((i) => `$${r * perRow + i + 1}`)).join(', ');

/** Inserts `count` approved publications of one saved version to every target; returns their ids. */
export async function seedPublications(db: SqlDb, seed: SeedPublications): Promise<SeededPublications> {
  const batch = seed.batch ?? 200;
  const createdBy = seed.createdBy ?? null;
  const result: SeededPublications = { publicationIds: [], deliveries: [] };
  for (let start = 0; start < seed.count; start += batch) {
    const size = Math.min(batch, seed.count - start);
    const at = new Date().toISOString();
    const publications = Array.from({ length: size }, () => randomUUID());
    const deliveries = publications.flatMap((publicationId) =>
      seed.targetIds.map((targetId) => ({ id: randomUUID(), publicationId, targetId, idempotencyKey: randomUUID() })),
    );
    await db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO publications (id, update_id, update_revision, content_hash, scheduled_at, created_at, created_by,
           authorisation, urgent_reason) VALUES ${valuesList(size, 6, (p) => `(${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, NULL, ${p(4)}, ${p(5)}, 'approved', NULL)`)}`,
        publications.flatMap((id) => [id, seed.updateId, seed.updateRevision, seed.contentHash, at, createdBy]),
      );
      // A few hundred rows per statement keeps under every engine's parameter limit.
      for (let i = 0; i < deliveries.length; i += 500) {
        const chunk = deliveries.slice(i, i + 500);
        await tx.run(
          `INSERT INTO deliveries (id, publication_id, target_id, status, attempts, attempt_limit, next_attempt_at,
             idempotency_key, depends_on_delivery_id, created_at, updated_at)
           VALUES ${valuesList(chunk.length, 5, (p) => `(${p(0)}, ${p(1)}, ${p(2)}, 'queued', 0, 5, ${p(4)}, ${p(3)}, NULL, ${p(4)}, ${p(4)})`)}`,
          chunk.flatMap((d) => [d.id, d.publicationId, d.targetId, d.idempotencyKey, at]),
        );
        await tx.run(
          `INSERT INTO delivery_history (delivery_id, at, actor, event, from_status, to_status)
           VALUES ${valuesList(chunk.length, 3, (p) => `(${p(0)}, ${p(1)}, ${p(2)}, 'publish', NULL, 'queued')`)}`,
          chunk.flatMap((d) => [d.id, at, `person:${createdBy ?? 'seed'}`]),
        );
      }
    });
    result.publicationIds.push(...publications);
    result.deliveries.push(...deliveries);
  }
  return result;
}
