import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { appliedVersions, migrate, migrations, MIGRATION_LOCK_KEY } from '../../../electron/core/store/migrations.ts';
import { openStore, SQLITE_FILE_NAME } from '../../../electron/core/store/open-store.ts';
import { openPostgres, redactDatabaseUrl } from '../../../electron/core/store/postgres.ts';
import { openSqlite, toSqlitePlaceholders } from '../../../electron/core/store/sqlite.ts';
import {
  createFreshDatabase,
  startThrowawayPostgres,
  withDatabase,
  type ThrowawayPostgres,
} from '../../support/postgres.ts';
import {
  callError,
  callOk,
  createClock,
  createScope,
  defineStoreSuite,
  openTestCore,
  plainBody,
  richBody,
  ISO_UTC_MS,
  type StoreHarness,
} from './store-suite.ts';
import { defineMediaSuite } from './media-suite.ts';
import { defineTemplatesSuite } from './templates-suite.ts';
import { defineVersionHistorySuite } from './version-history-suite.ts';

/**
 * The repository suite on both engines in one run: SQLite files in temp
 * folders, and a throwaway PostgreSQL cluster with a new database per test.
 */

let cluster: Promise<ThrowawayPostgres> | undefined;

beforeAll(async () => {
  cluster = startThrowawayPostgres();
  // A failed start is reported by every PostgreSQL test, which then fails (never skips).
  await cluster.catch(() => undefined);
});

afterAll(async () => {
  const server = await cluster?.catch(() => undefined);
  await server?.stop();
});

async function postgres(): Promise<ThrowawayPostgres> {
  if (!cluster) throw new Error('The PostgreSQL cluster was not started');
  return cluster;
}

/** The server's zone for the shared suite: not UTC (and with a half-hour offset), so timestamp handling is really tested. */
const SERVER_TIME_ZONE = 'Asia/Kolkata';

const harnesses: Record<'sqlite' | 'postgres', StoreHarness> = {
  sqlite: {
    engine: 'sqlite',
    async fresh(tempDir) {
      const dataDir = tempDir();
      return { location: { dataDir }, openRaw: () => openSqlite(join(dataDir, SQLITE_FILE_NAME)) };
    },
  },
  postgres: {
    engine: 'postgres',
    async fresh(tempDir) {
      const url = await createFreshDatabase(await postgres(), { prefix: 'store', timeZone: SERVER_TIME_ZONE });
      return { location: { dataDir: tempDir(), databaseUrl: url }, openRaw: () => openPostgres(url) };
    },
  },
};

describe.each([{ engine: 'sqlite' as const }, { engine: 'postgres' as const }])('store on $engine', ({ engine }) => {
  defineStoreSuite(harnesses[engine]);
  defineVersionHistorySuite(harnesses[engine]);
  defineTemplatesSuite(harnesses[engine]);
  defineMediaSuite(harnesses[engine]);
});

describe('SQLite specifics', () => {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  it('rewrites $n to ?n outside string literals only', () => {
    expect(toSqlitePlaceholders('SELECT $1, $2, $10 FROM t WHERE a = $1')).toBe(
      'SELECT ?1, ?2, ?10 FROM t WHERE a = ?1',
    );
    expect(toSqlitePlaceholders(`SELECT '$1', 'it''s $2', $3`)).toBe(`SELECT '$1', 'it''s $2', ?3`);
    expect(toSqlitePlaceholders(`WHERE x LIKE $1 ESCAPE '\\' AND y = $2`)).toBe(
      `WHERE x LIKE ?1 ESCAPE '\\' AND y = ?2`,
    );
  });

  it('keeps the file in WAL mode with foreign keys on and synchronous=FULL', async () => {
    const dataDir = scope.tempDir();
    const db = scope.db(await openStore({ dataDir }));
    const file = join(dataDir, SQLITE_FILE_NAME);
    expect(db.location).toBe(file);
    // foreign_keys and synchronous are per connection: read them on the store's own connection.
    expect(await db.one('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
    expect(await db.one('PRAGMA synchronous')).toEqual({ synchronous: 2 });
    expect(await db.one('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
    await db.run('CREATE TABLE probe (x integer)');
    expect(existsSync(`${file}-wal`)).toBe(true);

    // WAL mode is a property of the file: a second, independent connection sees it too.
    const second = new DatabaseSync(file, { readOnly: true });
    try {
      expect(second.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(second.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: migrations.length });
    } finally {
      second.close();
    }
  });

  it('keeps updates and versions across close and reopen', async () => {
    const dataDir = scope.tempDir();
    const clock = createClock();
    const first = await openTestCore(scope, { dataDir }, clock);
    const created = await callOk(first.core, 'updates.create', {
      title: 'Persisted',
      summary: 'On disk',
      body: richBody(),
    });
    const saved = await callOk(first.core, 'updates.save', {
      id: created.id,
      baseRevision: 1,
      title: 'Persisted, edited',
      summary: 'On disk',
      body: richBody(),
    });
    await first.core.close();
    await expect(first.db.one('SELECT 1 AS x')).rejects.toThrow();

    const second = await openTestCore(scope, { dataDir }, clock);
    expect(await callOk(second.core, 'updates.get', { id: created.id })).toStrictEqual(saved);
    expect((await second.core.services.updates.versions(created.id)).map((v) => v.revision)).toEqual([2, 1]);
    expect(await migrate(second.db)).toEqual([]);
    expect(await appliedVersions(second.db)).toEqual(migrations.map((m) => m.version));
    const info = await callOk(second.core, 'app.info', {});
    expect(info.storage).toEqual({ engine: 'sqlite', location: join(dataDir, SQLITE_FILE_NAME) });
  });

  it('refuses a database URL that is not postgres://', async () => {
    await expect(openStore({ dataDir: scope.tempDir(), databaseUrl: 'mysql://root:pw@localhost/db' })).rejects.toThrow(
      /must start with postgres:\/\//,
    );
  });
});

describe('PostgreSQL specifics', () => {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  it('runs concurrent migrations from several connections without failing', async () => {
    const server = await postgres();
    for (let round = 0; round < 5; round++) {
      const url = await createFreshDatabase(server, { prefix: 'migrate' });
      const dbs = Array.from({ length: 6 }, () => scope.db(openPostgres(url, { max: 2 })));
      // Connect first, so that the migrations really start at the same moment.
      await Promise.all(dbs.map((db) => db.one('SELECT 1 AS ready')));
      const applied = await Promise.all(dbs.map((db) => migrate(db)));
      expect(applied.flat().sort((a, b) => a - b)).toEqual(migrations.map((m) => m.version));
      for (const db of dbs) {
        expect(await db.one('SELECT count(*) AS n FROM schema_migrations')).toEqual({ n: migrations.length });
      }
    }
  });

  it('waits for another starter that is still creating the schema', async () => {
    const url = await createFreshDatabase(await postgres(), { prefix: 'migrate' });
    // Another Town Crier, mid-way through its first migration step, holding the migration lock.
    const other = new pg.Client({ connectionString: url });
    other.on('error', () => undefined);
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await other.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)',
      );
      const db = scope.db(openPostgres(url));
      const pending = migrate(db).then(
        (versions) => ({ versions }),
        (error: unknown) => ({ error }),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await other.query('COMMIT');
      expect(await pending).toEqual({ versions: migrations.map((m) => m.version) });
      expect(await appliedVersions(db)).toEqual(migrations.map((m) => m.version));
    } finally {
      await other.end();
    }
  });

  it('hides the password when showing a database URL', async () => {
    const server = await postgres();
    const redacted = redactDatabaseUrl(server.url);
    expect(redacted).not.toContain(server.password);
    expect(redacted).toBe(`postgres://postgres:*****@127.0.0.1:${server.port}/postgres`);
    expect(redactDatabaseUrl('postgres://crier:p%40ss%3Aw0rd@db.example:5432/crier?sslmode=require')).toBe(
      'postgres://crier:*****@db.example:5432/crier?sslmode=require',
    );
    expect(redactDatabaseUrl('postgres://db.example/crier')).toBe('postgres://db.example/crier');
    expect(redactDatabaseUrl('postgres://crier:hunter2@[bad')).not.toContain('hunter2');
  });

  it('reports engine and a password-free location through app.info', async () => {
    const server = await postgres();
    const url = await createFreshDatabase(server, { prefix: 'info' });
    const { core, db } = await openTestCore(scope, { dataDir: scope.tempDir(), databaseUrl: url });
    expect(db.location).not.toContain(server.password);
    const info = await callOk(core, 'app.info', {});
    expect(info.storage.engine).toBe('postgres');
    expect(info.storage.location).not.toContain(server.password);
    expect(info.storage.location).toBe(redactDatabaseUrl(url));
    expect(info.storage.location).toContain(`127.0.0.1:${server.port}/info_`);
  });

  it('returns exact UTC timestamps whatever the server time zone', async () => {
    const server = await postgres();
    for (const timeZone of ['Europe/London', 'America/St_Johns', 'Asia/Kolkata']) {
      const url = await createFreshDatabase(server, { prefix: 'tz', timeZone });
      const { core, db } = await openTestCore(
        scope,
        { dataDir: scope.tempDir(), databaseUrl: url },
        createClock('2026-07-01T23:30:00.123Z', 0),
      );
      expect(await db.one('SHOW timezone')).toEqual({ TimeZone: timeZone });
      const created = await callOk(core, 'updates.create', { title: timeZone, summary: '', body: plainBody('x') });
      expect(created.createdAt).toBe('2026-07-01T23:30:00.123Z');
      const listed = await callOk(core, 'updates.list', {});
      expect(listed.items[0]?.updatedAt).toBe('2026-07-01T23:30:00.123Z');
      expect(listed.items[0]?.updatedAt).toMatch(ISO_UTC_MS);
    }
  });

  it('stores the body as jsonb', async () => {
    const url = await createFreshDatabase(await postgres(), { prefix: 'jsonb' });
    const { core, db } = await openTestCore(scope, { dataDir: scope.tempDir(), databaseUrl: url });
    const created = await callOk(core, 'updates.create', { title: 'json', summary: '', body: richBody() });
    const row = await db.one(
      `SELECT jsonb_typeof(body_json) AS kind, body_json -> 'content' -> 0 ->> 'type' AS first FROM updates WHERE id = $1`,
      [created.id],
    );
    expect(row).toEqual({ kind: 'object', first: 'heading' });
  });

  it('lets two desktops on one database see each other and refuses the stale save', async () => {
    const url = await createFreshDatabase(await postgres(), { prefix: 'team' });
    const alice = await openTestCore(scope, { dataDir: scope.tempDir(), databaseUrl: url });
    const bob = await openTestCore(scope, { dataDir: scope.tempDir(), databaseUrl: url });
    const created = await callOk(alice.core, 'updates.create', { title: 'Shared', summary: '', body: plainBody('v1') });
    expect((await callOk(bob.core, 'updates.list', {})).items.map((i) => i.id)).toEqual([created.id]);
    await callOk(bob.core, 'updates.save', {
      id: created.id,
      baseRevision: 1,
      title: 'Bob',
      summary: '',
      body: plainBody('v2'),
    });
    const stale = await callError(alice.core, 'updates.save', {
      id: created.id,
      baseRevision: 1,
      title: 'Alice',
      summary: '',
      body: plainBody('v2 by alice'),
    });
    expect(stale.code).toBe('conflict');
    expect((await callOk(alice.core, 'updates.get', { id: created.id })).title).toBe('Bob');
  });

  it('fails to open with a wrong password without revealing it', async () => {
    const server = await postgres();
    const wrong = new URL(withDatabase(server.url, 'postgres'));
    wrong.password = 'not-the-password-42';
    const error: unknown = await openStore({ dataDir: scope.tempDir(), databaseUrl: wrong.toString() }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/password authentication failed/);
    expect(String((error as Error).message)).not.toContain('not-the-password-42');
  });
});
