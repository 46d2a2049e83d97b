import { AuditAction, type AuditEntry } from '../../../../shared/domain/audit.ts';
import { londonParts, londonToUtc } from '../publish/london-time.ts';

/** Each action as the log's reader says it. A new action without words fails type-checking here. */
export const ACTION_WORDS: Record<AuditAction, string> = {
  'auth.setup': 'Set up Town Crier',
  'auth.signed_in': 'Signed in',
  'auth.sign_in_failed': 'Failed to sign in',
  'auth.signed_out': 'Signed out',
  'auth.locked': 'Locked the session',
  'auth.unlocked': 'Unlocked the session',
  'user.created': 'Added a person',
  'user.changed': 'Changed a person',
  'update.created': 'Created an update',
  'update.edited': 'Edited an update',
  'review.submitted': 'Submitted for approval',
  'review.approved': 'Approved',
  'review.changes_requested': 'Asked for changes',
  'review.commented': 'Commented',
  'review.voided': 'Approval voided by an edit',
  'review.policy_changed': 'Changed the approval rules',
  'publication.created': 'Published',
  'publication.urgent': 'Published urgently',
  'publication.reviewed': 'Reviewed an urgent publication',
  'publication.not_sent': 'Not sent (no approval in time)',
  'delivery.cancelled': 'Cancelled a delivery',
  'delivery.retried': 'Retried a delivery',
  'delivery.resolved': 'Resolved a delivery',
  'delivery.retracted': 'Removed a published update from a channel',
  'channel.connected': 'Connected a channel',
  'channel.disconnected': 'Disconnected a channel',
  'channel.secret_set': 'Stored a channel password or key',
  'channel.secret_deleted': 'Removed a channel password or key',
  'channel.settings_changed': 'Changed a channel’s settings',
  'channel.tested': 'Tested a channel’s connection',
  'settings.changed': 'Changed settings',
  'subscribers.imported': 'Imported subscribers',
  'subscribers.unsubscribed': 'Unsubscribed',
  'subscribers.changed': 'Changed subscribers',
  'subscribers.bounced': 'Marked addresses bounced',
  'media.removed': 'Removed unused images',
};

const GROUPS: { prefix: string; label: string }[] = [
  { prefix: 'auth.', label: 'Signing in' },
  { prefix: 'user.', label: 'People' },
  { prefix: 'update.', label: 'Updates' },
  { prefix: 'review.', label: 'Approvals' },
  { prefix: 'publication.', label: 'Publishing' },
  { prefix: 'delivery.', label: 'Deliveries' },
  { prefix: 'channel.', label: 'Channels' },
  { prefix: 'settings.', label: 'Settings' },
  { prefix: 'subscribers.', label: 'Subscribers' },
  { prefix: 'media.', label: 'Images' },
];

/** The actions grouped for the filter's `<optgroup>`s, in the order the log's reader thinks of them. */
export function actionGroups(): { label: string; actions: { value: AuditAction; label: string }[] }[] {
  return GROUPS.map((g) => ({
    label: g.label,
    actions: AuditAction.options
      .filter((a) => a.startsWith(g.prefix))
      .map((value) => ({ value, label: ACTION_WORDS[value] })),
  })).filter((g) => g.actions.length > 0);
}

/** An action name in words; an action this build does not know is shown as it is stored. */
export function actionInWords(action: string): string {
  const known = AuditAction.safeParse(action);
  return known.success ? ACTION_WORDS[known.data] : action;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const cut = (text: string, max = 120) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A short line of what the row's details add ("roles, disabled"; "wrong password"), or null. */
export function detailsInWords(entry: Pick<AuditEntry, 'action' | 'details'>): string | null {
  const d = entry.details;
  if (entry.action === 'user.changed' && Array.isArray(d.changed) && d.changed.length > 0) {
    return `Changed: ${d.changed.filter((c) => typeof c === 'string').join(', ')}`;
  }
  if (entry.action === 'auth.sign_in_failed') {
    const why = d.reason === 'disabled' ? 'account disabled' : 'wrong email or password';
    return `${str(d.email) ?? 'unknown address'} (${why})`;
  }
  if ((entry.action === 'user.created' || entry.action === 'auth.setup') && Array.isArray(d.roles)) {
    return `Roles: ${d.roles.filter((r) => typeof r === 'string').join(', ')}`;
  }
  const text = str(d.reason) ?? str(d.comment) ?? str(d.outcome);
  return text ? cut(text) : null;
}

/** What the row is about: a person's name, an update's title, or the kind of thing and a short id. */
export function subjectInWords(
  entry: Pick<AuditEntry, 'subjectType' | 'subjectId' | 'details'>,
  names: ReadonlyMap<string, string>,
): string {
  const id = entry.subjectId;
  if (entry.subjectType === 'user') {
    return (id && names.get(id)) ?? str(entry.details.name) ?? str(entry.details.email) ?? 'A person';
  }
  if (entry.subjectType === 'update') {
    const title = str(entry.details.title);
    return title ? `Update “${cut(title, 80)}”` : `Update ${id?.slice(0, 8) ?? ''}`.trim();
  }
  if (entry.subjectType === 'settings' && id === 'approvals') return 'Approval rules';
  if (entry.subjectType === 'media' && typeof entry.details.count === 'number') {
    return entry.details.count === 1 ? '1 image' : `${entry.details.count} images`;
  }
  const kind = entry.subjectType.charAt(0).toUpperCase() + entry.subjectType.slice(1);
  return id ? `${kind} ${id.slice(0, 8)}` : kind;
}

const timeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A record's time in UK time, to the second ("26 Nov 2026, 21:40:05"). */
export function formatAuditTime(iso: string): string {
  return timeFormat.format(new Date(iso));
}

/**
 * A UK date as typed ("26/11/2026", "26-11-2026", "2026-11-26") → "2026-11-26",
 * or an error that says what is wrong. A date that does not exist (31/02) is refused.
 */
export function parseUkDate(text: string): { date: string } | { error: string } {
  const t = text.trim();
  const uk = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  const [y, m, d] = uk ? [uk[3], uk[2], uk[1]] : iso ? [iso[1], iso[2], iso[3]] : [];
  if (!y || !m || !d) return { error: 'Enter a date like 26/11/2026 (day, month, year).' };
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return { error: `${t} is not a real date. Check the day and the month.` };
  }
  return { date: `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
}

function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) + 1)).toISOString().slice(0, 10);
}

/**
 * "From" and "to" UK dates as the inclusive ISO range the core filters on:
 * from the start of the first London day to the last millisecond of the
 * second (midnight always exists in London; the clocks change at 1am).
 */
export function londonDayRange(
  fromText: string,
  toText: string,
): { from?: string; to?: string } | { error: string; field: 'from' | 'to' } {
  const range: { from?: string; to?: string } = {};
  let fromDate: string | null = null;
  if (fromText.trim()) {
    const parsed = parseUkDate(fromText);
    if ('error' in parsed) return { error: parsed.error, field: 'from' };
    fromDate = parsed.date;
    const start = londonToUtc(parsed.date, '00:00');
    if ('error' in start) return { error: start.error, field: 'from' };
    range.from = start.iso;
  }
  if (toText.trim()) {
    const parsed = parseUkDate(toText);
    if ('error' in parsed) return { error: parsed.error, field: 'to' };
    if (fromDate && parsed.date < fromDate) {
      return { error: 'The “to” date is before the “from” date.', field: 'to' };
    }
    const end = londonToUtc(nextDay(parsed.date), '00:00');
    if ('error' in end) return { error: end.error, field: 'to' };
    range.to = new Date(new Date(end.iso).getTime() - 1).toISOString();
  }
  return range;
}

/** The CSV's file name, with today's UK date: "town-crier-audit-log-2026-11-26.csv". */
export function csvFileName(now: Date = new Date()): string {
  return `town-crier-audit-log-${londonParts(now).date}.csv`;
}
