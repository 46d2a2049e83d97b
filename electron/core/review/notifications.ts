import type { Comment } from '../../../shared/domain/review.ts';
import type { SqlExecutor } from '../store/sql.ts';

/** Adds one notification per person (duplicates in `userIds` are sent once). Returns who was notified. */
export async function insertNotifications(
  tx: SqlExecutor,
  n: {
    userIds: Iterable<string>;
    updateId: string | null;
    kind: string;
    message: string;
    at: string;
    newId: () => string;
  },
): Promise<string[]> {
  const to = [...new Set(n.userIds)];
  for (const userId of to) {
    await tx.run(
      `INSERT INTO notifications (id, user_id, update_id, kind, message, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [n.newId(), userId, n.updateId, n.kind, n.message, n.at],
    );
  }
  return to;
}

/**
 * Adds one entry to an update's thread of comments and decisions (the review
 * service, an urgent publish, a lapsed schedule all write here). `authorId`
 * null is Town Crier itself. Returns the new comment's id.
 */
export async function insertComment(
  tx: SqlExecutor,
  c: {
    id: string;
    updateId: string;
    submissionId: string | null;
    replyTo?: string | null;
    revision: number;
    authorId: string | null;
    kind: Comment['kind'];
    body: string;
    at: string;
  },
): Promise<string> {
  await tx.run(
    `INSERT INTO review_comments (id, update_id, submission_id, reply_to, revision, author_id, kind, body, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [c.id, c.updateId, c.submissionId, c.replyTo ?? null, c.revision, c.authorId, c.kind, c.body, c.at],
  );
  return c.id;
}

/** Active people with the approver role. */
export async function activeApprovers(tx: SqlExecutor): Promise<{ id: string; name: string }[]> {
  const rows = await tx.all('SELECT id, name, roles_json FROM users WHERE disabled_at IS NULL');
  return rows
    .filter((r) => {
      const roles: unknown = typeof r.roles_json === 'string' ? JSON.parse(r.roles_json) : r.roles_json;
      return Array.isArray(roles) && roles.includes('approver');
    })
    .map((r) => ({ id: String(r.id), name: String(r.name) }));
}

/** The ids of active people with the approver role. */
export async function activeApproverIds(tx: SqlExecutor): Promise<string[]> {
  return (await activeApprovers(tx)).map((a) => a.id);
}
