import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parse, type CsvError, type Options } from 'csv-parse';
import { emailProblem, normaliseEmail } from '../../../shared/domain/email-address.ts';
import { CoreError } from '../errors.ts';
import type { SqlDb } from '../store/sql.ts';
import type { AuditHook } from './audit.ts';
import type { SubscriberInput, SubscribersRepository } from './subscribers-repository.ts';

/**
 * Streaming CSV import of subscribers into one list. The file is parsed as it
 * is read (csv-parse), valid rows are merged in batches of `batchSize`, one
 * transaction each, so a 200,000-row file needs no more memory than a batch
 * (plus 8 bytes a row of address fingerprints, to tell in-file duplicates from
 * addresses the store already had). Every bad row is reported with its line
 * number and the reason; nothing is dropped silently.
 */

export const MAX_NAME_LENGTH = 200;
/** The report names at most this many bad rows (and counts the rest), so a wrong file cannot exhaust memory. */
export const MAX_LISTED_PROBLEMS = 10_000;

/** A bad row: its line as an editor numbers it, the address cell as given (shortened, '' when unreadable) and why. */
export type ImportProblem = { line: number; value: string; reason: string };

export type ImportReport = {
  listId: string;
  /** Data rows read (not counting the header or blank lines). */
  rows: number;
  added: number;
  /** Rows whose address was already subscribed before this import (any case). */
  alreadySubscribed: number;
  /** Rows repeating an address seen earlier in the same file (any case): merged into it. */
  duplicatesInFile: number;
  /** Rows whose address is suppressed (unsubscribed, bounced, complained): kept suppressed, never reactivated. */
  suppressed: number;
  /** Bad rows: one entry per row, in line order. */
  problems: ImportProblem[];
  /** Bad rows not listed because the report was full. */
  problemsNotListed: number;
  badRows: number;
};

export type ImportOptions = {
  listId: string;
  consentSource: string;
  consentAt: string;
  batchSize?: number;
};

const EMAIL_HEADERS = new Set(['email', 'email address', 'e-mail', 'e-mail address', 'emailaddress']);
const NAME_HEADERS = new Set(['name', 'full name', 'fullname']);

const CSV_REASONS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quote opened on this line is never closed, so the rest of the file could not be read',
  CSV_INVALID_CLOSING_QUOTE: 'a quoted value is followed by other characters',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'the number of columns is wrong',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a quoted value is followed by other characters',
  CSV_MAX_RECORD_SIZE: 'the row is too long',
};

/** 52 bits of sha-256: exact as a JS number, and 200,000 addresses collide with odds of about 1 in 200 million. */
function fingerprint(key: string): number {
  return createHash('sha256').update(key).digest().readUIntBE(0, 6) % 2 ** 52;
}

type ParsedRow = { record: string[]; start: number };

/** The reason a data row is refused, or the person it adds. */
export function checkRow(
  fields: string[],
  columns: { email: number; name: number | null; count: number },
): { ok: true; person: SubscriberInput } | { ok: false; reason: string } {
  if (fields.length < columns.count) {
    const missing = fields.length <= columns.email ? 'email' : 'name';
    return { ok: false, reason: `the "${missing}" column is missing (${fields.length} of ${columns.count} columns)` };
  }
  if (fields.length > columns.count) {
    return {
      ok: false,
      reason: `it has ${fields.length} columns but the header has ${columns.count} (is there an unquoted comma?)`,
    };
  }
  const rawEmail = fields[columns.email] ?? '';
  const problem = emailProblem(rawEmail);
  if (problem !== null) {
    const shown = JSON.stringify(rawEmail.length > 80 ? `${rawEmail.slice(0, 80)}…` : rawEmail);
    return { ok: false, reason: `invalid email address ${shown}: ${problem}` };
  }
  const rawName = columns.name === null ? '' : (fields[columns.name] ?? '');
  if (/[\r\n]/.test(rawName)) return { ok: false, reason: 'the name contains a line break' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(rawName)) return { ok: false, reason: 'the name contains a control character' };
  const name = rawName.trim();
  if (name.length > MAX_NAME_LENGTH) {
    return { ok: false, reason: `the name is longer than ${MAX_NAME_LENGTH} characters (${name.length})` };
  }
  const email = rawEmail.trim();
  return { ok: true, person: { email, emailKey: normaliseEmail(email), name: name.length > 0 ? name : null } };
}

/** The address cell of a bad row, for the report's table: at most 80 characters. */
function shownValue(raw: string): string {
  return raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
}

function headerColumns(fields: string[]): { email: number; name: number | null; count: number } {
  const names = fields.map((f) => f.trim().toLowerCase());
  const email = names.findIndex((n) => EMAIL_HEADERS.has(n));
  if (email < 0) {
    throw new CoreError(
      'invalid_input',
      `The first line must name the columns, one of them "email" (it reads: ${JSON.stringify(fields.join(',').slice(0, 120))})`,
      { field: 'file' },
    );
  }
  const name = names.findIndex((n) => NAME_HEADERS.has(n));
  return { email, name: name < 0 ? null : name, count: fields.length };
}

export type ImportDeps = { db: SqlDb; repo: SubscribersRepository; audit?: AuditHook };

/** Imports a CSV file (a path) or stream into a list and returns the report. */
export async function importSubscribers(
  deps: ImportDeps,
  input: string | Readable,
  options: ImportOptions,
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? 1000;
  const list = await deps.db.one('SELECT id FROM email_lists WHERE id = $1', [options.listId]);
  if (!list) throw new CoreError('not_found', 'That email list does not exist (it may have been deleted)');

  const report: ImportReport = {
    listId: options.listId,
    rows: 0,
    added: 0,
    alreadySubscribed: 0,
    duplicatesInFile: 0,
    suppressed: 0,
    problems: [],
    problemsNotListed: 0,
    badRows: 0,
  };
  const problem = (line: number, reason: string, value = '') => {
    report.badRows++;
    if (report.problems.length < MAX_LISTED_PROBLEMS) report.problems.push({ line, value, reason });
    else report.problemsNotListed++;
  };

  let previousEnd = 0;
  let overcount = 0;
  const source = typeof input === 'string' ? createReadStream(input) : input;
  const csvOptions: Options<ParsedRow, string[]> = {
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_records_with_error: true,
    skip_empty_lines: false,
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: 64 * 1024,
    on_record: (record, context): ParsedRow => {
      const start = previousEnd + 1;
      // csv-parse counts a CRLF inside a quoted value as two lines; an editor shows one.
      for (const field of record) overcount += field.split('\r\n').length - 1;
      previousEnd = context.lines - overcount;
      return { record, start };
    },
    on_skip: (error: CsvError | undefined): undefined => {
      if (!error) return undefined;
      const lines = Number((error as CsvError & { lines?: number }).lines ?? previousEnd + 1);
      problem(previousEnd + 1, CSV_REASONS[error.code] ?? `the row could not be read as CSV (${error.message})`);
      previousEnd = lines - overcount;
      return undefined;
    },
  };
  const parser = source.pipe(parse(csvOptions as unknown as Options));
  source.on('error', (error: Error) => parser.destroy(error));

  let columns: ReturnType<typeof headerColumns> | undefined;
  const seen = new Set<number>();
  let batch: { person: SubscriberInput; line: number }[] = [];
  let batchNumber = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    const people = batch.map((b) => b.person);
    batch = [];
    batchNumber++;
    const number = batchNumber;
    await deps.db.transaction(async (tx) => {
      const outcome = await deps.repo.mergeInto(tx, options.listId, people, {
        source: options.consentSource,
        at: options.consentAt,
      });
      report.added += outcome.added;
      report.alreadySubscribed += outcome.merged;
      report.suppressed += outcome.suppressed;
      await deps.audit?.record(tx, {
        action: 'subscribers.import',
        subjectType: 'email_list',
        subjectId: options.listId,
        details: { batch: number, rows: people.length, ...outcome, consentSource: options.consentSource },
      });
    });
  };

  try {
    for await (const item of parser as AsyncIterable<ParsedRow>) {
      const { record, start } = item;
      if (record.length === 1 && record[0]?.trim() === '') continue; // a blank line
      if (!columns) {
        columns = headerColumns(record);
        continue;
      }
      report.rows++;
      const checked = checkRow(record, columns);
      if (!checked.ok) {
        problem(start, checked.reason, shownValue(record[columns.email] ?? ''));
        continue;
      }
      const print = fingerprint(checked.person.emailKey);
      if (seen.has(print)) {
        report.duplicatesInFile++;
        continue;
      }
      seen.add(print);
      batch.push({ person: checked.person, line: start });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } catch (error) {
    if (error instanceof CoreError) throw error;
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new CoreError('not_found', 'The file to import does not exist', { field: 'file' });
    if (e.code === 'EACCES') throw new CoreError('forbidden', 'Town Crier may not read that file', { field: 'file' });
    throw error;
  }
  if (!columns) throw new CoreError('invalid_input', 'The file is empty: it has no header line', { field: 'file' });
  // Skipped rows are reported as the parser meets them, which can be before earlier rows are checked.
  report.problems.sort((a, b) => a.line - b.line);
  return report;
}
