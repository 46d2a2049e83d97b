import type { emailMethods } from '../../../shared/contracts/email.ts';
import type { AuditAction } from '../../../shared/domain/audit.ts';
import type { Role } from '../../../shared/domain/people.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { HandlersFor } from '../dispatch.ts';
import { currentActor, requireRole, type Actor } from '../people/actor.ts';
import type { AuditHook } from './audit.ts';

type EmailMethod = keyof typeof emailMethods;

/**
 * Who may do what with subscribers and sends. Reading lists, subscribers and
 * send progress is for anyone signed in. Import and export read and write
 * files on the machine the core runs on, so they are for admins only.
 */
const ROLES: Partial<Record<EmailMethod, { roles: Role[]; toDo: string }>> = {
  'email.lists.create': { roles: ['author', 'admin'], toDo: 'create email lists' },
  'email.lists.delete': { roles: ['admin'], toDo: 'delete email lists' },
  'email.subscribers.add': { roles: ['author', 'admin'], toDo: 'add subscribers' },
  'email.subscribers.remove': { roles: ['author', 'admin'], toDo: 'remove subscribers' },
  'email.subscribers.suppress': { roles: ['author', 'admin'], toDo: 'suppress addresses' },
  'email.subscribers.import': { roles: ['admin'], toDo: 'import subscribers from a file' },
  'email.subscribers.export': { roles: ['admin'], toDo: 'export subscribers to a file' },
  'email.import.begin': { roles: ['admin'], toDo: 'import subscribers from a file' },
  'email.import.chunk': { roles: ['admin'], toDo: 'import subscribers from a file' },
  'email.import.finish': { roles: ['admin'], toDo: 'import subscribers from a file' },
  'email.import.abandon': { roles: ['admin'], toDo: 'import subscribers from a file' },
  'email.subscribers.unsuppress': { roles: ['admin'], toDo: 'take addresses off the suppression list' },
  'email.send.failures': { roles: ['author', 'approver', 'admin'], toDo: 'see who an email send failed' },
  'email.send.pause': { roles: ['author', 'approver'], toDo: 'pause email sends' },
  'email.send.resume': { roles: ['author', 'approver'], toDo: 'resume email sends' },
  'email.send.cancel': { roles: ['author', 'approver'], toDo: 'cancel email sends' },
  'email.send.exportFailures': { roles: ['admin'], toDo: 'export failures to a file' },
  'email.sendTest': { roles: ['author', 'approver', 'admin'], toDo: 'send test emails' },
};

/** The email handlers with the role each method needs checked first. */
export function guardEmailHandlers(handlers: HandlersFor<EmailMethod>): HandlersFor<EmailMethod> {
  const guarded = { ...handlers } as Record<EmailMethod, (input: never, ctx: never) => Promise<unknown>>;
  for (const [method, rule] of Object.entries(ROLES) as [EmailMethod, { roles: Role[]; toDo: string }][]) {
    const inner = handlers[method] as (input: unknown, ctx: { actor: Actor }) => Promise<unknown>;
    guarded[method] = (async (input: unknown, ctx: { actor: Actor }) => {
      requireRole(ctx.actor, rule.roles, rule.toDo);
      return inner(input, ctx);
    }) as never;
  }
  return guarded as HandlersFor<EmailMethod>;
}

/** The email module's action names, in the audit log's words. */
function auditAction(action: string): AuditAction {
  if (action === 'subscribers.import') return 'subscribers.imported';
  if (action === 'subscriber.unsubscribed') return 'subscribers.unsubscribed';
  // A suppression (bounced, complained, by hand) or its removal: the detail's emailAction says which.
  return 'subscribers.changed';
}

/**
 * The email module's audit hook onto the hash-chained log: the person whose
 * call is running, or (a one-click unsubscribe from a resident) the subscriber
 * acting through their link.
 */
export function emailAuditHook(audit: AuditLog): AuditHook {
  return {
    async record(tx, entry) {
      const actor: Actor = currentActor.getStore() ?? {
        kind: 'system',
        id: null,
        name: 'Subscriber (unsubscribe link)',
      };
      await audit.record(tx, actor, {
        action: auditAction(entry.action),
        subjectType: entry.subjectType,
        subjectId: entry.subjectId,
        ...(entry.details
          ? { details: { ...entry.details, emailAction: entry.action } }
          : { details: { emailAction: entry.action } }),
        ...(entry.contentHash !== undefined ? { contentHash: entry.contentHash } : {}),
      });
    },
  };
}
