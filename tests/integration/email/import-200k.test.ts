import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { importSubscribers } from '../../../electron/core/email/subscriber-import.ts';
import { createSubscribersRepository } from '../../../electron/core/email/subscribers-repository.ts';
import { emailStores } from './email-store.ts';

const stores = emailStores();

const ROWS = 200_000;
/** Every 100th data row is bad, in one of these ways (exactly 1%). */
const BAD = [
  {
    row: (i: number) => `person${i}.example.org,No at sign`,
    reason: (i: number) => `invalid email address "person${i}.example.org": it has no "@"`,
  },
  { row: (i: number) => `person${i}@example.org`, reason: () => 'the "name" column is missing (1 of 2 columns)' },
  { row: (i: number) => `person${i}@example.org,"Line\r\nbreak"`, reason: () => 'the name contains a line break' },
  { row: (i: number) => `${'p'.repeat(65)}${i}@example.org,Long`, reason: () => 'invalid email address' },
  {
    row: (i: number) => `person${i}@example.org,Name,extra`,
    reason: () => 'it has 3 columns but the header has 2 (is there an unquoted comma?)',
  },
];

/** Writes the file and returns the exact problems (line, reason start) it holds. */
async function writeFile(path: string): Promise<{ line: number; reason: string }[]> {
  const out = createWriteStream(path);
  const expected: { line: number; reason: string }[] = [];
  let line = 1;
  out.write('email,name\n');
  for (let i = 1; i <= ROWS; i++) {
    line++;
    let text: string;
    if (i % 100 === 0) {
      const kind = BAD[(i / 100) % BAD.length];
      if (!kind) throw new Error('no such kind of bad row');
      text = kind.row(i);
      expected.push({ line, reason: kind.reason(i) });
    } else {
      // Every 1000th good row repeats an earlier address in upper case: merged, not added.
      text = i % 1000 === 1 && i > 1 ? `PERSON${i - 2}@EXAMPLE.ORG,Dup` : `person${i}@example.org,Person ${i}`;
    }
    if (!out.write(`${text}\n`)) await once(out, 'drain');
    // The line-break row spans two physical lines.
    if (text.includes('\r\n')) line++;
  }
  out.end();
  await once(out, 'finish');
  return expected;
}

describe('CSV import at scale', () => {
  it(
    'imports 200,000 rows with exactly 1% bad: the report is exact and memory stays flat',
    { timeout: 240_000 },
    async () => {
      const { db, dataDir } = await stores.open('sqlite');
      const repo = createSubscribersRepository({ db });
      const list = await repo.createList({ name: 'Bin collections' });
      const file = join(dataDir, 'subscribers.csv');
      const expected = await writeFile(file);
      expect(expected).toHaveLength(ROWS / 100);

      global.gc?.();
      const before = process.memoryUsage();
      let peakRss = before.rss;
      let peakHeap = before.heapUsed;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      }, 20);
      const started = performance.now();
      const report = await importSubscribers({ db, repo }, file, {
        listId: list.id,
        consentSource: 'import: subscribers.csv',
        consentAt: '2026-11-01T00:00:00.000Z',
      });
      const ms = performance.now() - started;
      clearInterval(sampler);

      const duplicates = Math.floor((ROWS - 1) / 1000);
      expect(report.rows).toBe(ROWS);
      expect(report.badRows).toBe(ROWS / 100);
      expect(report.problemsNotListed).toBe(0);
      expect(report.problems.map((p) => p.line)).toEqual(expected.map((e) => e.line));
      report.problems.forEach((p, i) => expect(p.reason.startsWith(expected[i]?.reason ?? '?')).toBe(true));
      expect(report.duplicatesInFile).toBe(duplicates);
      expect(report.added).toBe(ROWS - ROWS / 100 - duplicates);
      expect(await db.one('SELECT count(*) AS n FROM subscribers')).toEqual({ n: report.added });
      expect(await db.one('SELECT count(*) AS n FROM list_memberships')).toEqual({ n: report.added });

      const heapGrowthMb = (peakHeap - before.heapUsed) / 2 ** 20;
      const rssGrowthMb = (peakRss - before.rss) / 2 ** 20;
      process.stdout.write(
        `200k import: ${(ms / 1000).toFixed(1)} s, heap growth ${heapGrowthMb.toFixed(1)} MB, RSS growth ${rssGrowthMb.toFixed(1)} MB\n`,
      );
      // Generous bounds: the whole file as objects would be several hundred MB; a batch is a few.
      expect(heapGrowthMb).toBeLessThan(96);
      expect(rssGrowthMb).toBeLessThan(160);
    },
  );
});
