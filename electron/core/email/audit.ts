import type { SqlExecutor } from '../store/sql.ts';

/**
 * The audit hook (the lead's hash-chained log arrives with migration 7). Email
 * code records imports, unsubscribes and suppressions through it, inside the
 * same transaction as the change, so the log and the data never disagree.
 */
export type AuditEntry = {
  action: string;
  subjectType: string;
  subjectId: string | null;
  details?: Record<string, unknown>;
  contentHash?: string | null;
};
export type AuditHook = { record(tx: SqlExecutor, entry: AuditEntry): Promise<void> };
