import { Readable } from 'node:stream';
import type { Subscriber, SubscriberStatus } from '../../../shared/domain/subscribers.ts';
import type { SubscribersRepository } from './subscribers-repository.ts';

/**
 * CSV export of subscribers, streamed a page at a time by id (keyset), so a
 * list of any size leaves with one page in memory. Cells that a spreadsheet
 * would run as a formula (starting = + - @, tab or CR) get a leading
 * apostrophe: exports are opened in Excel, and an address cannot start so.
 */

export const EXPORT_COLUMNS = ['email', 'name', 'status', 'consent_source', 'consent_at', 'status_changed_at'] as const;

/** One CSV cell, quoted when needed, and defused against spreadsheet formulas. */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(subscriber: Subscriber): string {
  return `${[
    subscriber.email,
    subscriber.name,
    subscriber.status,
    subscriber.consentSource,
    subscriber.consentAt,
    subscriber.statusChangedAt,
  ]
    .map(csvCell)
    .join(',')}\r\n`;
}

/** A stream of CSV text: the header, then one line per subscriber (of a list, or everyone; optionally one status). */
export function exportSubscribers(
  repo: SubscribersRepository,
  filter: { listId?: string; status?: SubscriberStatus } = {},
  pageSize = 1000,
): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield `${EXPORT_COLUMNS.join(',')}\r\n`;
    let afterId: string | undefined;
    for (;;) {
      const page = await repo.page({ listId: filter.listId, status: filter.status, afterId, limit: pageSize });
      if (page.length === 0) return;
      yield page.map(csvLine).join('');
      afterId = page.at(-1)?.id;
      if (page.length < pageSize) return;
    }
  }
  return Readable.from(lines(), { objectMode: false });
}
