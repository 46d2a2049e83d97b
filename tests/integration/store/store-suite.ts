import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  contract,
  type CoreEvent,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../../shared/contract.ts';
import type { Doc } from '../../../shared/content/doc.ts';
import { docToHtml } from '../../../shared/content/render.ts';
import type { CoreErrorShape } from '../../../shared/domain/errors.ts';
import { createCore, type Core } from '../../../electron/core/app.ts';
import { signedIn } from '../../support/people.ts';
import { createLogger, type LogRecord } from '../../../electron/core/logging/logger.ts';
import { createAesGcmCipher, createFileSecretStore } from '../../../electron/core/secrets/file-secret-store.ts';
import { createMemorySettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { appliedVersions, migrate, migrations, type Migration } from '../../../electron/core/store/migrations.ts';
import { openStore, type StoreLocation } from '../../../electron/core/store/open-store.ts';
import type { Engine, SqlDb, SqlExecutor } from '../../../electron/core/store/sql.ts';
import { contentHashOf } from '../../../electron/core/updates/content-hash.ts';
import {
  createUpdatesRepository,
  encodeCursor,
  type StoredUpdate,
} from '../../../electron/core/updates/updates-repository.ts';

/**
 * The one repository suite both engines must pass. A harness hands out empty
 * databases; everything else (migrations, the SQL surface, the updates
 * repository and service behind the contract) is the real code.
 */

/** One empty database: where `openStore` finds it, and raw (unmigrated) connections to it. */
export type StoreTarget = {
  location: StoreLocation;
  /** A new connection (pool, for PostgreSQL) to the same database, not migrated. */
  openRaw(): SqlDb;
};

export type StoreHarness = {
  engine: Engine;
  /** A new, empty database on every call. `tempDir` makes a folder removed after the test. */
  fresh(tempDir: () => string): Promise<StoreTarget>;
};

export const ISO_UTC_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const HEX_64 = /^[0-9a-f]{64}$/;

/** Closes what a test opened, in reverse order, once each. */
export function createScope() {
  const cleanups: (() => Promise<void> | void)[] = [];
  const once = (fn: () => Promise<void>) => {
    let done: Promise<void> | undefined;
    return () => (done ??= fn());
  };
  return {
    tempDir(): string {
      const dir = mkdtempSync(join(tmpdir(), 'town-crier-store-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    /** Registers a store; returns it with `close` made safe to call more than once. */
    db(db: SqlDb): SqlDb {
      const close = once(() => db.close());
      cleanups.push(close);
      return { ...db, close };
    },
    core(core: Core): Core {
      const close = once(() => core.close());
      cleanups.push(close);
      return { ...core, close };
    },
    async dispose(): Promise<void> {
      const errors: unknown[] = [];
      for (const cleanup of cleanups.splice(0).reverse()) {
        try {
          await cleanup();
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length > 0) throw new AggregateError(errors, 'Cleaning up after the test failed');
    },
  };
}
export type Scope = ReturnType<typeof createScope>;

/** A clock the test moves: each `now()` returns the current time, then steps it forward. */
export function createClock(startIso = '2026-07-01T09:00:00.000Z', stepMs = 1000) {
  let time = Date.parse(startIso);
  let step = stepMs;
  return {
    now: () => {
      const current = new Date(time);
      time += step;
      return current;
    },
    peek: () => new Date(time).toISOString(),
    setStep(ms: number) {
      step = ms;
    },
    advance(ms: number) {
      time += ms;
    },
  };
}
export type Clock = ReturnType<typeof createClock>;

export type TestCore = { core: Core; db: SqlDb; clock: Clock; logs: LogRecord[]; events: CoreEvent[] };

/** The real core on a real store (migrated by `openStore`), with memory settings and file secrets. */
export async function openTestCore(
  scope: Scope,
  location: StoreLocation,
  clock: Clock = createClock(),
): Promise<TestCore> {
  const db = await openStore(location);
  const logs: LogRecord[] = [];
  const events: CoreEvent[] = [];
  const raw = scope.core(
    createCore({
      db,
      settings: createMemorySettingsStore({ idleLockMinutes: 480 }),
      secrets: createFileSecretStore(join(scope.tempDir(), 'secrets.json'), createAesGcmCipher(randomBytes(32))),
      logger: createLogger('test', (record) => logs.push(record)),
      now: clock.now,
    }),
  );
  const core = await signedIn(raw);
  core.subscribe((event) => events.push(event));
  return { core, db, clock, logs, events };
}

/** Calls a method as a UI would and returns its output, parsed by the contract; fails the test on an error result. */
export async function callOk<M extends MethodName>(
  core: Core,
  method: M,
  input: MethodInput<M>,
): Promise<MethodOutput<M>> {
  const result = await core.call(method, input);
  if (!result.ok) throw new Error(`${method} failed with ${result.error.code}: ${result.error.message}`);
  const output = contract[method].output as unknown as { parse(value: unknown): MethodOutput<M> };
  return output.parse(result.value);
}

/** Calls a method expecting an error result, and returns the error. */
export async function callError(core: Core, method: string, input: unknown): Promise<CoreErrorShape> {
  const result = await core.call(method, input);
  if (result.ok) throw new Error(`${method} succeeded, but an error was expected`);
  return result.error;
}

/** A body with what the editor produces: headings, bold and link marks, lists, quotes, breaks, awkward characters. */
export function richBody(): Doc {
  return {
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Bin collections — what’s changing' }] },
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: 'From ' },
          { type: 'text', text: 'Monday 6 July', marks: [{ type: 'bold' }] },
          { type: 'text', text: ', see ' },
          {
            type: 'text',
            text: 'the new calendar',
            marks: [
              { type: 'link', attrs: { href: 'https://example.gov.uk/bins?area=north&week=2' } },
              { type: 'bold' },
            ],
          },
          { type: 'hardBreak' },
          { type: 'text', text: 'Quotes "double" & \'single\' <b>not a tag</b>, café, 🗑️, $1 and 100%' },
        ],
      },
      {
        type: 'bulletList',
        content: [
          {
            type: 'listItem',
            content: [
              { type: 'paragraph', content: [{ type: 'text', text: 'Green bins', marks: [{ type: 'italic' }] }] },
            ],
          },
          { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Food caddies' }] }] },
        ],
      },
      {
        type: 'orderedList',
        attrs: { start: 3 },
        content: [
          { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Third step' }] }] },
        ],
      },
      {
        type: 'blockquote',
        content: [
          {
            type: 'paragraph',
            content: [
              {
                type: 'text',
                text: 'Call 01234 567890',
                marks: [{ type: 'link', attrs: { href: 'tel:+441234567890' } }],
              },
            ],
          },
        ],
      },
      { type: 'paragraph' },
    ],
  };
}

/** A one-paragraph body. */
export function plainBody(value: string): Doc {
  return { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: value }] }] };
}

const countRows = async (db: SqlExecutor, table: string, where = '', params: (string | number)[] = []) =>
  Number((await db.one(`SELECT count(*) AS n FROM ${table} ${where}`, params))?.n);

/** Defines the shared suite; call inside a `describe` per engine. */
export function defineStoreSuite(harness: StoreHarness): void {
  const { engine } = harness;
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  const fresh = () => harness.fresh(() => scope.tempDir());
  const freshRaw = async () => scope.db((await fresh()).openRaw());
  const freshCore = async (clock?: Clock) => openTestCore(scope, (await fresh()).location, clock);
  /** A migrated store with a scratch table for the SQL-surface tests. */
  const freshScratch = async () => {
    const target = await fresh();
    const db = scope.db(await openStore(target.location));
    await db.exec('CREATE TABLE scratch (id integer PRIMARY KEY, label text NOT NULL)');
    return db;
  };

  describe('migrations', () => {
    it('apply from an empty database and record each version', async () => {
      const db = await freshRaw();
      expect(await migrate(db)).toEqual(migrations.map((m) => m.version));
      expect(await appliedVersions(db)).toEqual(migrations.map((m) => m.version));
      const rows = await db.all('SELECT version, name, applied_at FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.name)).toEqual(migrations.map((m) => m.name));
      for (const row of rows) expect(row.applied_at).toMatch(ISO_UTC_MS);
      expect(await countRows(db, 'updates')).toBe(0);
      expect(await countRows(db, 'update_versions')).toBe(0);
    });

    it('are idempotent: a second run applies nothing', async () => {
      const db = await freshRaw();
      await migrate(db);
      expect(await migrate(db)).toEqual([]);
      expect(await countRows(db, 'schema_migrations')).toBe(migrations.length);
    });

    it('run in version order, and a failing migration leaves no trace', async () => {
      const db = await freshRaw();
      // Listed out of order: 1001 needs the table 1000 creates, so it only succeeds if 1000 runs first.
      const ordered: Migration[] = [
        ...migrations,
        {
          version: 1001,
          name: 'third',
          up: () => 'CREATE TABLE third_t (x integer); INSERT INTO second_t (x) VALUES (7)',
        },
        { version: 1000, name: 'second', up: () => 'CREATE TABLE second_t (x integer)' },
      ];
      expect(await migrate(db, ordered)).toEqual([...migrations.map((m) => m.version), 1000, 1001]);
      expect(await countRows(db, 'second_t')).toBe(1);

      const broken: Migration[] = [
        ...ordered,
        {
          version: 1002,
          name: 'broken',
          up: () => 'CREATE TABLE fourth_t (x integer); INSERT INTO no_such_table (x) VALUES (1)',
        },
      ];
      await expect(migrate(db, broken)).rejects.toThrow(/no_such_table/);
      expect(await appliedVersions(db)).toEqual([...migrations.map((m) => m.version), 1000, 1001]);
      await expect(db.all('SELECT * FROM fourth_t')).rejects.toThrow(/fourth_t/);
    });

    it('are applied by openStore', async () => {
      const target = await fresh();
      const db = scope.db(await openStore(target.location));
      expect(db.engine).toBe(engine);
      expect(await appliedVersions(db)).toEqual(migrations.map((m) => m.version));
    });
  });

  describe('SQL surface', () => {
    it('binds $n placeholders, out of order, repeated and past $9', async () => {
      const db = await freshScratch();
      await db.run('INSERT INTO scratch (id, label) VALUES ($1, $2), ($3, $4), ($5, $6), ($7, $8), ($9, $10)', [
        1,
        'one',
        2,
        'two',
        3,
        'three',
        4,
        'four',
        9,
        'ten',
      ]);
      expect(await db.one('SELECT label FROM scratch WHERE id = $1', [9])).toEqual({ label: 'ten' });
      expect(await db.one('SELECT id FROM scratch WHERE label = $2 AND id = $1', [2, 'two'])).toEqual({ id: 2 });
      const rows = await db.all('SELECT id FROM scratch WHERE id = $1 OR id = $1 + 2 ORDER BY id', [1]);
      expect(rows).toEqual([{ id: 1 }, { id: 3 }]);
      expect(await db.run('UPDATE scratch SET label = $1 WHERE id > $2', ['many', 2])).toEqual({ changes: 3 });
    });

    it('leaves $n inside string literals alone', async () => {
      const db = await freshScratch();
      const row = await db.one(`SELECT 'costs $1' AS literal, 'it''s $2' AS quoted, CAST($1 AS text) AS value`, ['x']);
      expect(row).toEqual({ literal: 'costs $1', quoted: "it's $2", value: 'x' });
      await db.run(`INSERT INTO scratch (id, label) VALUES ($1, 'a $1 b'), ($2, $3)`, [1, 2, '50%_off\\']);
      expect(await db.all('SELECT label FROM scratch ORDER BY id')).toEqual([
        { label: 'a $1 b' },
        { label: '50%_off\\' },
      ]);
      const escaped = await db.all(`SELECT id FROM scratch WHERE label LIKE $1 ESCAPE '\\' AND id > $2`, [
        '%\\%\\_%',
        0,
      ]);
      expect(escaped).toEqual([{ id: 2 }]);
    });

    it('returns counts as numbers', async () => {
      const db = await freshScratch();
      await db.run('INSERT INTO scratch (id, label) VALUES ($1, $2)', [1, 'a']);
      const row = await db.one('SELECT count(*) AS n, max(id) AS top FROM scratch');
      expect(row).toEqual({ n: 1, top: 1 });
    });
  });

  describe('transactions', () => {
    it('commit and return the callback value', async () => {
      const db = await freshScratch();
      const value = await db.transaction(async (tx) => {
        await tx.run('INSERT INTO scratch (id, label) VALUES ($1, $2)', [1, 'a']);
        await tx.run('INSERT INTO scratch (id, label) VALUES ($1, $2)', [2, 'b']);
        return (await tx.one('SELECT count(*) AS n FROM scratch'))?.n;
      });
      expect(value).toBe(2);
      expect(await db.all('SELECT id, label FROM scratch ORDER BY id')).toEqual([
        { id: 1, label: 'a' },
        { id: 2, label: 'b' },
      ]);
    });

    it('roll back everything when the callback throws, and stay usable', async () => {
      const db = await freshScratch();
      await expect(
        db.transaction(async (tx) => {
          await tx.run('INSERT INTO scratch (id, label) VALUES ($1, $2)', [1, 'a']);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await countRows(db, 'scratch')).toBe(0);

      await expect(
        db.transaction(async (tx) => {
          await tx.run('INSERT INTO scratch (id, label) VALUES ($1, $2)', [1, 'a']);
          await tx.run('INSERT INTO scratch (id, label) VALUES ($1, $2)', [1, 'duplicate']);
        }),
      ).rejects.toThrow();
      expect(await countRows(db, 'scratch')).toBe(0);

      await db.transaction((tx) => tx.run('INSERT INTO scratch (id, label) VALUES ($1, $2)', [3, 'after']));
      expect(await db.all('SELECT id FROM scratch')).toEqual([{ id: 3 }]);
    });

    it('keep statements issued outside, meanwhile, out of the transaction', async () => {
      const db = await freshScratch();
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      let markWritten = () => {};
      const written = new Promise<void>((resolve) => (markWritten = resolve));
      const tx = db.transaction(async (t) => {
        await t.run('INSERT INTO scratch (id, label) VALUES ($1, $2)', [1, 'inside']);
        markWritten();
        await gate;
        throw new Error('roll back');
      });
      const txOutcome = tx.then(
        () => 'committed',
        (error: unknown) => (error instanceof Error ? error.message : 'failed'),
      );
      await written;
      // Issued while the transaction is open: they must neither see its rows nor be rolled back with it.
      const outsideRead = db.one('SELECT count(*) AS n FROM scratch WHERE label = $1', ['inside']);
      const outsideWrite = db.run('INSERT INTO scratch (id, label) VALUES ($1, $2)', [2, 'outside']);
      await new Promise((resolve) => setTimeout(resolve, 30));
      release();
      expect(await txOutcome).toBe('roll back');
      expect(await outsideRead).toEqual({ n: 0 });
      expect(await outsideWrite).toEqual({ changes: 1 });
      expect(await db.all('SELECT id, label FROM scratch ORDER BY id')).toEqual([{ id: 2, label: 'outside' }]);
    });

    it('run one after another when started together', async () => {
      const db = await freshScratch();
      await db.run('INSERT INTO scratch (id, label) VALUES ($1, $2)', [1, '0']);
      // Read-modify-write in each transaction. SQLite serialises them; PostgreSQL's row lock does the same.
      const bump = () =>
        db.transaction(async (tx) => {
          const row = await tx.one(
            engine === 'postgres'
              ? 'SELECT label FROM scratch WHERE id = $1 FOR UPDATE'
              : 'SELECT label FROM scratch WHERE id = $1',
            [1],
          );
          await tx.run('UPDATE scratch SET label = $1 WHERE id = $2', [String(Number(row?.label) + 1), 1]);
        });
      await Promise.all(Array.from({ length: 8 }, bump));
      expect(await db.one('SELECT label FROM scratch WHERE id = $1', [1])).toEqual({ label: '8' });
    });
  });

  describe('constraints', () => {
    it('enforce foreign keys, cascades and the revision check', async () => {
      const target = await fresh();
      const db = scope.db(await openStore(target.location));
      const repo = createUpdatesRepository(db);
      const at = '2026-07-01T09:00:00.000Z';
      const stored: StoredUpdate = {
        id: randomUUID(),
        title: 't',
        summary: 's',
        body: plainBody('b'),
        channels: ['website' as const],
        variants: {},
        savedBy: null,
        bodyHtml: '<p>b</p>',
        bodyText: 'b',
        revision: 1,
        contentHash: contentHashOf({ title: 't', summary: 's', body: plainBody('b'), channels: ['website'] }),
        createdAt: at,
        updatedAt: at,
      };
      await expect(repo.insertVersion({ ...stored, id: randomUUID() })).rejects.toThrow(/foreign key/i);
      await expect(repo.insert({ ...stored, revision: 0 })).rejects.toThrow(/check/i);
      await repo.insert(stored);
      expect(await countRows(db, 'update_versions', 'WHERE update_id = $1', [stored.id])).toBe(1);
      await db.run('DELETE FROM updates WHERE id = $1', [stored.id]);
      expect(await countRows(db, 'update_versions')).toBe(0);
    });
  });

  describe('updates', () => {
    it('round-trip title, summary and body exactly, with derived HTML and hash', async () => {
      // A still clock: signing in and checking the session read it too, and every read must give the same time.
      const { core, clock } = await freshCore(createClock(undefined, 0));
      const createdAt = clock.peek();
      const body = richBody();
      const created = await callOk(core, 'updates.create', {
        title: 'Bin collections: 100% on time, $1 fines & “quotes”',
        summary: 'What’s changing in July. It\'s "simple" <really>.',
        body,
      });
      expect(created.revision).toBe(1);
      expect(created.createdAt).toBe(createdAt);
      expect(created.updatedAt).toBe(createdAt);

      const got = await callOk(core, 'updates.get', { id: created.id });
      expect(got).toStrictEqual(created);
      expect(got.title).toBe('Bin collections: 100% on time, $1 fines & “quotes”');
      expect(got.summary).toBe('What’s changing in July. It\'s "simple" <really>.');
      expect(got.body).toStrictEqual(body);
      expect(got.bodyHtml).toBe(docToHtml(body));
      expect(got.bodyHtml).toContain('<strong>Monday 6 July</strong>');
      expect(got.bodyHtml).toContain(
        '<a href="https://example.gov.uk/bins?area=north&amp;week=2"><strong>the new calendar</strong></a>',
      );
      expect(got.bodyHtml).toContain('&lt;b&gt;not a tag&lt;/b&gt;');
      expect(got.contentHash).toMatch(HEX_64);
      expect(got.contentHash).toBe(
        contentHashOf({ title: got.title, summary: got.summary, body, channels: got.channels, variants: got.variants }),
      );
      expect(got.channels).toEqual(['website', 'email', 'x', 'bluesky']);
      expect(got.variants).toEqual({});
    });

    it('give equal content the same hash, whatever the key order, and other content another', async () => {
      const { core } = await freshCore();
      const a = await callOk(core, 'updates.create', { title: 'Same', summary: 'Same', body: richBody() });
      const reordered: unknown = JSON.parse(JSON.stringify(richBody()), function (this: unknown, _key, value: unknown) {
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          return Object.fromEntries(Object.entries(value).reverse());
        }
        return value;
      });
      const b = await callOk(core, 'updates.create', { title: 'Same', summary: 'Same', body: reordered as Doc });
      const c = await callOk(core, 'updates.create', { title: 'Same', summary: 'Same.', body: richBody() });
      expect(b.id).not.toBe(a.id);
      expect(b.contentHash).toBe(a.contentHash);
      expect(c.contentHash).not.toBe(a.contentHash);
      // Reading back (jsonb reorders keys on PostgreSQL) does not change it either.
      expect((await callOk(core, 'updates.get', { id: b.id })).contentHash).toBe(a.contentHash);
    });

    it('increase the revision on every save and keep one version row per revision', async () => {
      const { core, clock, events } = await freshCore(createClock(undefined, 0));
      const created = await callOk(core, 'updates.create', { title: 'Draft', summary: '', body: plainBody('one') });
      clock.advance(1000);
      const secondAt = clock.peek();
      const second = await callOk(core, 'updates.save', {
        id: created.id,
        baseRevision: 1,
        title: 'Draft 2',
        summary: 'Now with a summary',
        body: richBody(),
      });
      expect(second.revision).toBe(2);
      expect(second.updatedAt).toBe(secondAt);
      expect(second.createdAt).toBe(created.createdAt);
      expect(second.body).toStrictEqual(richBody());
      clock.advance(1000);
      const third = await callOk(core, 'updates.save', {
        id: created.id,
        baseRevision: 2,
        title: 'Draft 3',
        summary: 'Now with a summary',
        body: richBody(),
      });
      expect(third.revision).toBe(3);
      expect(await callOk(core, 'updates.get', { id: created.id })).toStrictEqual(third);

      const versions = await core.services.updates.versions(created.id);
      expect(versions).toEqual([
        { revision: 3, title: third.title, contentHash: third.contentHash, savedAt: third.updatedAt },
        { revision: 2, title: second.title, contentHash: second.contentHash, savedAt: second.updatedAt },
        { revision: 1, title: created.title, contentHash: created.contentHash, savedAt: created.updatedAt },
      ]);
      expect(new Set(versions.map((v) => v.contentHash)).size).toBe(3);
      expect(events.map((e) => e.name === 'update.changed' && e.payload.revision)).toEqual([1, 2, 3]);
    });

    it('refuse a save based on a stale revision with a conflict, changing nothing', async () => {
      const { core } = await freshCore();
      const created = await callOk(core, 'updates.create', { title: 'Original', summary: '', body: plainBody('one') });
      const saved = await callOk(core, 'updates.save', {
        id: created.id,
        baseRevision: 1,
        title: 'Mine',
        summary: '',
        body: plainBody('two'),
      });
      const error = await callError(core, 'updates.save', {
        id: created.id,
        baseRevision: 1,
        title: 'Theirs',
        summary: '',
        body: plainBody('three'),
      });
      expect(error.code).toBe('conflict');
      expect(error.message).toContain('revision 2');
      expect(await callOk(core, 'updates.get', { id: created.id })).toStrictEqual(saved);
      expect(await core.services.updates.versions(created.id)).toHaveLength(2);
    });

    it('let exactly one of two simultaneous saves of the same revision win', async () => {
      const { core } = await freshCore();
      const created = await callOk(core, 'updates.create', { title: 'Race', summary: '', body: plainBody('start') });
      const results = await Promise.all(
        ['left', 'right'].map((who) =>
          core.call('updates.save', { id: created.id, baseRevision: 1, title: who, summary: '', body: plainBody(who) }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.error.code)).toEqual(['conflict']);
      const final = await callOk(core, 'updates.get', { id: created.id });
      expect(final.revision).toBe(2);
      expect(await core.services.updates.versions(created.id)).toHaveLength(2);
    });

    it('do not bump the revision when a save changes nothing', async () => {
      const { core, events } = await freshCore();
      const created = await callOk(core, 'updates.create', { title: 'Steady', summary: 'As before', body: richBody() });
      const again = await callOk(core, 'updates.save', {
        id: created.id,
        baseRevision: 1,
        title: 'Steady',
        summary: 'As before',
        body: richBody(),
      });
      expect(again).toStrictEqual(created);
      expect(await core.services.updates.versions(created.id)).toHaveLength(1);
      expect(events).toHaveLength(1);
    });

    it('remove unsafe link targets before storing', async () => {
      const { core, db, logs } = await freshCore();
      const body: Doc = {
        type: 'doc',
        content: [
          {
            type: 'paragraph',
            content: [
              {
                type: 'text',
                text: 'click me',
                marks: [{ type: 'link', attrs: { href: 'javascript:alert(document.cookie)' } }, { type: 'bold' }],
              },
              { type: 'text', text: ' or ' },
              { type: 'text', text: 'this', marks: [{ type: 'link', attrs: { href: ' JavaScript:alert(1)' } }] },
              { type: 'text', text: ' or ' },
              {
                type: 'text',
                text: 'data',
                marks: [{ type: 'link', attrs: { href: 'data:text/html,<script>alert(1)</script>' } }],
              },
              { type: 'text', text: ' but ' },
              {
                type: 'text',
                text: 'this is fine',
                marks: [{ type: 'link', attrs: { href: 'https://example.gov.uk/' } }],
              },
            ],
          },
        ],
      };
      const created = await callOk(core, 'updates.create', { title: 'Links', summary: '', body });
      expect(created.body).toStrictEqual({
        type: 'doc',
        content: [
          {
            type: 'paragraph',
            content: [
              { type: 'text', text: 'click me', marks: [{ type: 'bold' }] },
              { type: 'text', text: ' or ' },
              { type: 'text', text: 'this' },
              { type: 'text', text: ' or ' },
              { type: 'text', text: 'data' },
              { type: 'text', text: ' but ' },
              {
                type: 'text',
                text: 'this is fine',
                marks: [{ type: 'link', attrs: { href: 'https://example.gov.uk/' } }],
              },
            ],
          },
        ],
      });
      expect(created.bodyHtml).not.toMatch(/javascript|data:|<script/i);
      expect(created.bodyHtml).toContain('<a href="https://example.gov.uk/">this is fine</a>');
      const raw = await db.one('SELECT body_json, body_html FROM updates WHERE id = $1', [created.id]);
      expect(JSON.stringify(raw)).not.toMatch(/javascript|data:text/i);
      expect(logs.some((l) => l.level === 'warn' && /unsafe links/i.test(l.message))).toBe(true);

      const saved = await callOk(core, 'updates.save', {
        id: created.id,
        baseRevision: 1,
        title: 'Links',
        summary: 'edited',
        body,
      });
      expect(JSON.stringify(saved.body)).not.toMatch(/javascript|data:/i);
    });

    it('refuse invalid input through the contract without storing anything', async () => {
      const { core, db } = await freshCore();
      const badBody = await callError(core, 'updates.create', {
        title: 'x',
        body: { type: 'doc', content: [{ type: 'paragraph' }, { type: 'script', text: 'alert(1)' }] },
      });
      expect(badBody.code).toBe('invalid_input');
      expect(badBody.field).toBe('body.content.1.type');
      const longTitle = await callError(core, 'updates.create', { title: 'x'.repeat(201) });
      expect(longTitle.code).toBe('invalid_input');
      expect(longTitle.field).toBe('title');
      expect((await callError(core, 'updates.get', { id: 'not-a-uuid' })).code).toBe('invalid_input');
      expect((await callError(core, 'updates.list', { cursor: 'bm90IGEgY3Vyc29y' })).code).toBe('invalid_input');
      const crafted = encodeCursor('2026-07-01T09:00:00.000Z', 'x\u0000y');
      expect((await callError(core, 'updates.list', { cursor: crafted })).code).toBe('invalid_input');
      expect(await countRows(db, 'updates')).toBe(0);
    });

    it('store NUL characters and unpaired surrogates the same way (dropped, replaced)', async () => {
      const { core } = await freshCore();
      const body: Doc = {
        type: 'doc',
        content: [
          {
            type: 'paragraph',
            content: [
              { type: 'text', text: 'nul\u0000inside ' },
              { type: 'text', text: '\u0000', marks: [{ type: 'bold' }] },
              {
                type: 'text',
                text: 'lone \ud800 half',
                marks: [{ type: 'link', attrs: { href: 'https://example.gov.uk/a\u0000b' } }],
              },
            ],
          },
          { type: 'paragraph', content: [{ type: 'text', text: '\u0000\u0000' }] },
        ],
      };
      const created = await callOk(core, 'updates.create', {
        title: 'Pasted\u0000 from a PDF',
        summary: 'odd \udc00',
        body,
      });
      expect(created.title).toBe('Pasted from a PDF');
      expect(created.summary).toBe('odd \ufffd');
      expect(created.body).toStrictEqual({
        type: 'doc',
        content: [
          {
            type: 'paragraph',
            content: [
              { type: 'text', text: 'nulinside ' },
              {
                type: 'text',
                text: 'lone \ufffd half',
                marks: [{ type: 'link', attrs: { href: 'https://example.gov.uk/ab' } }],
              },
            ],
          },
          { type: 'paragraph' },
        ],
      });
      expect(await callOk(core, 'updates.get', { id: created.id })).toStrictEqual(created);
      const saved = await callOk(core, 'updates.save', {
        id: created.id,
        baseRevision: 1,
        title: 'Pasted from a PDF\u0000',
        summary: 'odd \udc00',
        body,
      });
      expect(saved.revision).toBe(1);
      const found = await callOk(core, 'updates.list', { search: 'nul\u0000inside' });
      expect(found.items.map((i) => i.id)).toEqual([created.id]);
    });

    it('report a missing update as not_found', async () => {
      const { core } = await freshCore();
      expect((await callError(core, 'updates.get', { id: randomUUID() })).code).toBe('not_found');
      const save = await callError(core, 'updates.save', {
        id: randomUUID(),
        baseRevision: 1,
        title: 'x',
        summary: '',
        body: plainBody('x'),
      });
      expect(save.code).toBe('not_found');
    });

    it('return timestamps as ISO-8601 UTC strings everywhere', async () => {
      const { core, db, clock } = await freshCore(createClock('2026-03-29T00:59:59.999Z', 0));
      const created = await callOk(core, 'updates.create', {
        title: 'Clocks go forward',
        summary: '',
        body: plainBody('x'),
      });
      expect(created.createdAt).toBe('2026-03-29T00:59:59.999Z');
      clock.advance(3_600_000);
      const saved = await callOk(core, 'updates.save', {
        id: created.id,
        baseRevision: 1,
        title: 'Later',
        summary: '',
        body: plainBody('y'),
      });
      expect(saved.updatedAt).toBe('2026-03-29T01:59:59.999Z');
      const page = await callOk(core, 'updates.list', {});
      expect(page.items[0]?.createdAt).toBe(created.createdAt);
      expect(page.items[0]?.updatedAt).toBe(saved.updatedAt);
      const versions = await core.services.updates.versions(created.id);
      expect(versions.map((v) => v.savedAt)).toEqual([saved.updatedAt, created.createdAt]);
      const raw = await createUpdatesRepository(db).get(created.id);
      for (const value of [raw?.createdAt, raw?.updatedAt]) {
        expect(typeof value).toBe('string');
        expect(value).toMatch(ISO_UTC_MS);
      }
    });
  });

  describe('listing', () => {
    it('puts the most recently edited first', async () => {
      const { core } = await freshCore();
      const a = await callOk(core, 'updates.create', { title: 'A', summary: '', body: plainBody('alpha text') });
      const b = await callOk(core, 'updates.create', { title: 'B', summary: '', body: plainBody('bravo') });
      const c = await callOk(core, 'updates.create', { title: 'C', summary: '', body: plainBody('charlie') });
      expect((await callOk(core, 'updates.list', {})).items.map((i) => i.id)).toEqual([c.id, b.id, a.id]);
      await callOk(core, 'updates.save', {
        id: a.id,
        baseRevision: 1,
        title: 'A edited',
        summary: '',
        body: plainBody('alpha'),
      });
      const page = await callOk(core, 'updates.list', {});
      expect(page.items.map((i) => i.id)).toEqual([a.id, c.id, b.id]);
      expect(page.items[0]).toMatchObject({ title: 'A edited', revision: 2, excerpt: 'alpha' });
      expect(page.nextCursor).toBeNull();
    });

    it('pages with a keyset cursor without duplicates or gaps, even across equal timestamps', async () => {
      const clock = createClock('2026-07-01T09:00:00.000Z', 0);
      const { core } = await freshCore(clock);
      const created: string[] = [];
      for (let i = 0; i < 25; i++) {
        // Three updates share each timestamp, so the id breaks ties.
        if (i % 3 === 0) clock.advance(1000);
        created.push(
          (await callOk(core, 'updates.create', { title: `Update ${i}`, summary: '', body: plainBody(`Body ${i}`) }))
            .id,
        );
      }
      const all = await callOk(core, 'updates.list', { limit: 200 });
      expect(all.items).toHaveLength(25);
      expect(all.nextCursor).toBeNull();
      const times = all.items.map((i) => i.updatedAt);
      expect(times).toEqual([...times].sort().reverse());
      expect(new Set(times).size).toBe(9);

      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page: MethodOutput<'updates.list'> = await callOk(core, 'updates.list', {
          limit: 10,
          ...(cursor ? { cursor } : {}),
        });
        pages.push(page.items.map((i) => i.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && pages.length < 10);
      expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
      expect(pages.flat()).toEqual(all.items.map((i) => i.id));
      expect(new Set(pages.flat())).toEqual(new Set(created));

      // A page that ends exactly at the last row has no next cursor.
      const exact = await callOk(core, 'updates.list', { limit: 25 });
      expect(exact.nextCursor).toBeNull();
    });

    it('does not repeat a row that is edited between pages', async () => {
      const { core } = await freshCore();
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        ids.push((await callOk(core, 'updates.create', { title: `U${i}`, summary: '', body: plainBody(`b${i}`) })).id);
      }
      const first = await callOk(core, 'updates.list', { limit: 3 });
      expect(first.items.map((i) => i.id)).toEqual(ids.slice(3).reverse());
      const [, moved] = first.items;
      if (!moved) throw new Error('The first page should hold three updates');
      await callOk(core, 'updates.save', {
        id: moved.id,
        baseRevision: 1,
        title: 'moved',
        summary: '',
        body: plainBody('moved'),
      });
      const second = await callOk(core, 'updates.list', { limit: 3, cursor: first.nextCursor ?? '' });
      expect(second.items.map((i) => i.id)).toEqual(ids.slice(0, 3).reverse());
      expect(second.nextCursor).toBeNull();
    });

    it('searches title, summary and body text, ignoring case', async () => {
      const { core } = await freshCore();
      const road = await callOk(core, 'updates.create', {
        title: 'Road closure on High Street',
        summary: 'Diversion via Mill Lane',
        body: plainBody('Buses run late'),
      });
      const library = await callOk(core, 'updates.create', {
        title: 'Opening hours',
        summary: 'Summer',
        body: richBody(),
      });
      await callOk(core, 'updates.create', {
        title: 'Unrelated',
        summary: 'Nothing',
        body: plainBody('Nothing to see'),
      });
      const search = async (term: string) =>
        (await callOk(core, 'updates.list', { search: term })).items.map((i) => i.title);
      expect(await search('high STREET')).toEqual([road.title]);
      expect(await search('mill lane')).toEqual([road.title]);
      expect(await search('BUSES')).toEqual([road.title]);
      expect(await search('food CADDIES')).toEqual([library.title]);
      expect(await search('zebra')).toEqual([]);
      expect((await callOk(core, 'updates.list', { search: '  ' })).items).toHaveLength(3);
    });

    it('treats %, _ and \\ in a search literally', async () => {
      const { core } = await freshCore();
      for (const title of ['100% recycled', '1000 new trees', 'snake_case', 'snakeXcase', 'C:\\Temp', 'C:Temp']) {
        await callOk(core, 'updates.create', { title, summary: '', body: plainBody('x') });
      }
      const search = async (term: string) =>
        (await callOk(core, 'updates.list', { search: term })).items.map((i) => i.title).sort();
      expect(await search('%')).toEqual(['100% recycled']);
      expect(await search('100%')).toEqual(['100% recycled']);
      expect(await search('_')).toEqual(['snake_case']);
      expect(await search('E_C')).toEqual(['snake_case']);
      expect(await search('\\')).toEqual(['C:\\Temp']);
      expect(await search('c:\\t')).toEqual(['C:\\Temp']);
    });

    it('pages through search results', async () => {
      const { core } = await freshCore();
      const matching: string[] = [];
      for (let i = 0; i < 5; i++) {
        const hit = await callOk(core, 'updates.create', {
          title: `Flood warning ${i}`,
          summary: '',
          body: plainBody('x'),
        });
        matching.push(hit.id);
        await callOk(core, 'updates.create', { title: `Fete ${i}`, summary: '', body: plainBody('y') });
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let n = 0; n < 5; n++) {
        const page: MethodOutput<'updates.list'> = await callOk(core, 'updates.list', {
          limit: 2,
          search: 'FLOOD',
          ...(cursor ? { cursor } : {}),
        });
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor ?? undefined;
        if (!cursor) break;
      }
      expect(seen).toEqual([...matching].reverse());
    });
  });
}
