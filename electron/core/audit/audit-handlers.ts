import type { auditMethods } from '../../../shared/contracts/audit.ts';
import type { HandlersFor } from '../dispatch.ts';
import { requireRole } from '../people/actor.ts';
import type { SqlDb } from '../store/sql.ts';
import type { AuditLog } from './audit-log.ts';

/** Reading the log is for admins and approvers (it names everyone's actions); nobody can change it. */
export function createAuditHandlers(db: SqlDb, audit: AuditLog): HandlersFor<keyof typeof auditMethods> {
  return {
    'audit.list': (input, { actor }) => {
      requireRole(actor, ['admin', 'approver'], 'read the audit log');
      return audit.list(db, input);
    },
    'audit.exportCsv': (input, { actor }) => {
      requireRole(actor, ['admin', 'approver'], 'export the audit log');
      return audit.exportCsv(db, input);
    },
    'audit.verify': (_input, { actor }) => {
      requireRole(actor, ['admin', 'approver'], 'check the audit log');
      return audit.verify(db);
    },
  };
}
