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

/** Active people with the approver role. */
export async function activeApproverIds(tx: SqlExecutor): Promise<string[]> {
  const rows = await tx.all('SELECT id, roles_json FROM users WHERE disabled_at IS NULL');
  return rows
    .filter((r) => {
      const roles: unknown = typeof r.roles_json === 'string' ? JSON.parse(r.roles_json) : r.roles_json;
      return Array.isArray(roles) && roles.includes('approver');
    })
    .map((r) => String(r.id));
}
