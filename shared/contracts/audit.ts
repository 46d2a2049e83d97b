import { z } from 'zod';
import { AuditFilter, AuditPage, AuditVerification } from '../domain/audit.ts';
import { Empty, method } from './method.ts';

export const auditMethods = {
  'audit.list': method(
    AuditFilter.extend({
      beforeSeq: z.number().int().positive().optional(),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    AuditPage,
    'Admins and approvers: read the audit log, newest first',
  ),
  'audit.exportCsv': method(
    AuditFilter,
    z.object({ csv: z.string(), rows: z.number().int() }),
    'Admins and approvers: the filtered log as CSV (for records and FOI requests)',
  ),
  'audit.verify': method(Empty, AuditVerification, 'Check the audit log’s hash chain'),
} as const;
