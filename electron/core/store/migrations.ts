import type { Engine, SqlDb } from './sql.ts';

/** One schema change. `up` returns the SQL for an engine; a migration never changes once released. */
export type Migration = { version: number; name: string; up: (engine: Engine) => string };

/** The PostgreSQL advisory lock key held while migrating, so concurrent starters take turns. */
export const MIGRATION_LOCK_KEY = 7240001;

const time = (e: Engine) => (e === 'postgres' ? 'timestamptz' : 'text');
const json = (e: Engine) => (e === 'postgres' ? 'jsonb' : 'text');

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'updates and their versions',
    up: (e) => `
      CREATE TABLE updates (
        id text PRIMARY KEY,
        title text NOT NULL,
        summary text NOT NULL,
        body_json ${json(e)} NOT NULL,
        body_html text NOT NULL,
        body_text text NOT NULL,
        revision integer NOT NULL CHECK (revision > 0),
        content_hash text NOT NULL,
        created_at ${time(e)} NOT NULL,
        updated_at ${time(e)} NOT NULL
      );
      CREATE INDEX updates_by_updated ON updates (updated_at DESC, id DESC);
      CREATE TABLE update_versions (
        update_id text NOT NULL REFERENCES updates (id) ON DELETE CASCADE,
        revision integer NOT NULL,
        title text NOT NULL,
        summary text NOT NULL,
        body_json ${json(e)} NOT NULL,
        content_hash text NOT NULL,
        saved_at ${time(e)} NOT NULL,
        PRIMARY KEY (update_id, revision)
      );`,
  },
];

/**
 * Brings the schema up to date, one transaction per migration. On PostgreSQL an
 * advisory lock makes concurrent starters (two desktops, a worker) wait for each other.
 */
export async function migrate(db: SqlDb, list: readonly Migration[] = migrations): Promise<number[]> {
  // Under the lock too: concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL (pg_type unique violation).
  await db.transaction(async (tx) => {
    if (tx.engine === 'postgres') await tx.run('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at ${time(tx.engine)} NOT NULL)`);
  });
  const applied: number[] = [];
  for (const migration of [...list].sort((a, b) => a.version - b.version)) {
    await db.transaction(async (tx) => {
      if (tx.engine === 'postgres') await tx.run('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const done = await tx.one('SELECT version FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done) return;
      await tx.exec(migration.up(tx.engine));
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
      applied.push(migration.version);
    });
  }
  return applied;
}

/** The versions recorded as applied, ascending. */
export async function appliedVersions(db: SqlDb): Promise<number[]> {
  const rows = await db.all('SELECT version FROM schema_migrations ORDER BY version');
  return rows.map((r) => Number(r.version));
}
