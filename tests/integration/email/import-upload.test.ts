import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImportUploads } from '../../../electron/core/email/import-uploads.ts';
import { createSubscribersRepository } from '../../../electron/core/email/subscribers-repository.ts';
import type { UserActor } from '../../../electron/core/people/actor.ts';
import type { Core } from '../../../electron/core/app.ts';
import { openStore } from '../../../electron/core/store/open-store.ts';
import { colleague } from '../../support/people.ts';
import { createFreshDatabase, startThrowawayPostgres, type ThrowawayPostgres } from '../../support/postgres.ts';
import { callError, callOk, createScope, openTestCore, type Scope } from '../store/store-suite.ts';

/**
 * CSV import by upload (`email.import.begin | chunk | finish`): the browser
 * cannot name a file on the core's machine, so it sends the text in parts.
 * The parts feed the same streaming importer, so the report must be exactly
 * the path import's, on both engines and at 200,000 rows.
 */

let cluster: Promise<ThrowawayPostgres> | undefined;
beforeAll(() => {
  cluster = startThrowawayPostgres();
  cluster.catch(() => undefined);
});
afterAll(async () => (await cluster?.catch(() => undefined))?.stop());

async function location(scope: Scope, engine: 'sqlite' | 'postgres') {
  const dataDir = scope.tempDir();
  if (engine === 'sqlite') return { dataDir };
  if (!cluster) throw new Error('The PostgreSQL cluster was not started');
  return { dataDir, databaseUrl: await createFreshDatabase(await cluster, { prefix: 'upload' }) };
}

/** Splits text into parts of at most `size` characters, cutting anywhere (mid-line, mid-quote). */
function parts(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

async function upload(core: Core, listId: string, text: string, size: number) {
  const { importId } = await callOk(core, 'email.import.begin', {
    listId,
    fileName: 'people.csv',
    consentSource: 'import: people.csv',
    consentAt: '2026-11-01T00:00:00.000Z',
  });
  const pieces = parts(text, size);
  for (const [sequence, piece] of pieces.entries()) {
    await callOk(core, 'email.import.chunk', { importId, sequence, text: piece });
  }
  return callOk(core, 'email.import.finish', { importId, parts: pieces.length });
}

/** A CSV of `rows` data rows: every 100th is bad (five kinds), every 1000th repeats an earlier address in capitals. */
function csvOf(rows: number): string {
  const lines = ['email,name'];
  for (let i = 1; i <= rows; i++) {
    if (i % 100 === 0) {
      const kind = (i / 100) % 5;
      lines.push(
        kind === 0
          ? `person${i}.example.org,No at sign`
          : kind === 1
            ? `person${i}@example.org`
            : kind === 2
              ? `person${i}@example.org,"Line\r\nbreak"`
              : kind === 3
                ? `"person${i}@example.org,Unclosed quote is fine mid-file",x,y`
                : `person${i}@example.org,Name,extra`,
      );
    } else if (i % 1000 === 1 && i > 1) lines.push(`PERSON${i - 2}@EXAMPLE.ORG,Dup`);
    else lines.push(`person${i}@example.org,Person ${i} é`);
  }
  return `${lines.join('\n')}\n`;
}

describe.each([{ engine: 'sqlite' as const }, { engine: 'postgres' as const }])(
  'uploaded CSV import on $engine',
  ({ engine }) => {
    it(
      'gives the path import’s exact report, audited, and refuses parts out of order, repeated or missing',
      {
        timeout: 120_000,
      },
      async () => {
        const scope = createScope();
        try {
          const text = csvOf(5_000);
          const a = await openTestCore(scope, await location(scope, engine));
          const b = await openTestCore(scope, await location(scope, engine));
          const file = join(scope.tempDir(), 'people.csv');
          writeFileSync(file, text);
          const listA = await callOk(a.core, 'email.lists.create', { name: 'Roads' });
          const listB = await callOk(b.core, 'email.lists.create', { name: 'Roads' });
          const byPath = await callOk(a.core, 'email.subscribers.import', {
            listId: listA.id,
            path: file,
            consentSource: 'import: people.csv',
            consentAt: '2026-11-01T00:00:00.000Z',
          });
          // Parts of 7,001 characters cut lines, quoted values and the CRLF inside one anywhere.
          const uploaded = await upload(b.core, listB.id, text, 7_001);
          expect({ ...uploaded, listId: 'x' }).toEqual({ ...byPath, listId: 'x' });
          expect(uploaded.badRows).toBe(50);
          expect(uploaded.problems[0]).toEqual({
            line: 101,
            value: 'person100@example.org',
            reason: 'the "name" column is missing (1 of 2 columns)',
          });
          const audited = await callOk(b.core, 'audit.list', { action: 'subscribers.imported' });
          expect(audited.items.length).toBeGreaterThan(0);
          expect(new Set(audited.items.map((e) => e.actorName))).toEqual(new Set(['Ada Admin']));

          // Refusals, each clear.
          const { importId } = await callOk(b.core, 'email.import.begin', {
            listId: listB.id,
            fileName: 'more.csv',
            consentSource: 'form',
          });
          expect(await callError(b.core, 'email.import.chunk', { importId, sequence: 1, text: 'x' })).toMatchObject({
            code: 'conflict',
            message: 'Part 1 of this import came before part 0: send the parts in order, each once (next: 0)',
          });
          await callOk(b.core, 'email.import.chunk', { importId, sequence: 0, text: 'email\nzed@example.org\n' });
          expect(await callError(b.core, 'email.import.chunk', { importId, sequence: 0, text: 'x' })).toMatchObject({
            code: 'conflict',
            message: 'Part 0 of this import was already received: send the parts in order, each once (next: 1)',
          });
          expect(await callError(b.core, 'email.import.finish', { importId, parts: 2 })).toMatchObject({
            code: 'conflict',
            message: 'This import received 1 parts, not 2: send the missing parts, then finish',
          });
          const tooBig = await callError(b.core, 'email.import.chunk', {
            importId,
            sequence: 1,
            text: 'é'.repeat(600_000),
          });
          expect(tooBig).toMatchObject({
            code: 'invalid_input',
            message: 'A part can be at most 1 MB; this one is 1200000 bytes',
          });
          // Someone else may not add to it, and an author may not import at all.
          const eve = await colleague(b.core, ['admin']);
          expect(
            await callError(eve, 'email.import.chunk', { importId, sequence: 1, text: 'a@b.org\n' }),
          ).toMatchObject({
            code: 'forbidden',
            message: 'Only the person who started an import can send its parts',
          });
          const sam = await colleague(b.core, ['author']);
          expect(
            (await callError(sam, 'email.import.begin', { listId: listB.id, fileName: 'x.csv', consentSource: 'f' }))
              .code,
          ).toBe('forbidden');
          expect(await callOk(b.core, 'email.import.finish', { importId, parts: 1 })).toMatchObject({
            rows: 1,
            added: 1,
          });
          expect(await callError(b.core, 'email.import.chunk', { importId, sequence: 1, text: 'x' })).toMatchObject({
            code: 'not_found',
            message: expect.stringContaining('That import has ended or expired'),
          });
          expect(
            await callError(b.core, 'email.import.begin', { listId: 'nope', fileName: 'x.csv', consentSource: 'f' }),
          ).toMatchObject({ code: 'not_found' });

          // A file without an email column fails at the first part that shows it, and the import ends.
          const bad = await callOk(b.core, 'email.import.begin', {
            listId: listB.id,
            fileName: 'bad.csv',
            consentSource: 'form',
          });
          await callOk(b.core, 'email.import.chunk', { importId: bad.importId, sequence: 0, text: 'address,name\n' });
          expect(await callError(b.core, 'email.import.finish', { importId: bad.importId, parts: 1 })).toMatchObject({
            code: 'invalid_input',
            message: 'The first line must name the columns, one of them "email" (it reads: "address,name")',
          });
        } finally {
          await scope.dispose();
        }
      },
    );
  },
);

describe('an abandoned upload', () => {
  it('expires after its idle time: its parts are refused and the importer ends', async () => {
    const scope = createScope();
    try {
      const db = scope.db(await openStore({ dataDir: scope.tempDir() }));
      const repo = createSubscribersRepository({ db });
      const list = await repo.createList({ name: 'Roads' });
      const uploads = createImportUploads({ db, repo, idleMs: 100 });
      const ada = {
        kind: 'user',
        id: 'u1',
        name: 'Ada',
        email: 'a@x',
        roles: ['admin'],
        urgent: false,
        sessionId: 's',
      };
      const actor = ada as UserActor;
      const { importId } = await uploads.begin(actor, {
        listId: list.id,
        fileName: 'x.csv',
        consentSource: 'form',
        consentAt: '2026-11-01T00:00:00.000Z',
      });
      await uploads.chunk(actor, { importId, sequence: 0, text: 'email\na@example.org\n' });
      await expect
        .poll(() =>
          uploads.chunk(actor, { importId, sequence: 1, text: 'b@example.org\n' }).catch((e: Error) => e.message),
        )
        .toContain('That import has ended or expired');
      await uploads.close();
    } finally {
      await scope.dispose();
    }
  });
});

describe('uploaded CSV import at scale', () => {
  it(
    '50,000 rows with 1% bad, in parts through core.call: the same report as the path import (200,000 rows and memory: import-200k.test.ts)',
    {
      timeout: 300_000,
    },
    async () => {
      const scope = createScope();
      try {
        const text = csvOf(50_000);
        const a = await openTestCore(scope, await location(scope, 'sqlite'));
        const b = await openTestCore(scope, await location(scope, 'sqlite'));
        const file = join(scope.tempDir(), 'people.csv');
        writeFileSync(file, text);
        const listA = await callOk(a.core, 'email.lists.create', { name: 'Bins' });
        const listB = await callOk(b.core, 'email.lists.create', { name: 'Bins' });
        const byPath = await callOk(a.core, 'email.subscribers.import', {
          listId: listA.id,
          path: file,
          consentSource: 'import: people.csv',
          consentAt: '2026-11-01T00:00:00.000Z',
        });
        const uploaded = await upload(b.core, listB.id, text, 500_000);
        expect(byPath.rows).toBe(50_000);
        expect(byPath.badRows).toBe(500);
        expect(byPath.problemsNotListed).toBe(0);
        expect({ ...uploaded, listId: 'x' }).toEqual({ ...byPath, listId: 'x' });
        expect(await b.db.one('SELECT count(*) AS n FROM subscribers')).toEqual({ n: uploaded.added });
      } finally {
        await scope.dispose();
      }
    },
  );
});
