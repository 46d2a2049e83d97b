import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Row, SqlDb, SqlExecutor, SqlValue } from './sql.ts';
import { createMutex } from './mutex.ts';

/** Rewrites `$1` placeholders to SQLite's numbered `?1`, leaving string literals alone. */
export function toSqlitePlaceholders(sql: string): string {
  return sql.replace(
    /('(?:[^']|'')*')|\$(\d+)/g,
    (match, literal: string | undefined, n: string | undefined) => literal ?? `?${n}`,
  );
}

/**
 * Opens (creating if needed) the default store: one SQLite file in WAL mode,
 * with foreign keys enforced and `synchronous=FULL`, so that a committed queue
 * state survives a power cut, not just a crash.
 */
export function openSqlite(path: string): SqlDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path, { timeout: 5000 });
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA synchronous = FULL');
  const statements = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  const prepare = (sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = db.prepare(toSqlitePlaceholders(sql));
      statements.set(sql, stmt);
    }
    return stmt;
  };
  const bind = (params: readonly SqlValue[] | undefined) => (params ?? []) as SQLInputValue[];
  const direct: SqlExecutor = {
    engine: 'sqlite',
    all: async (sql, params) => prepare(sql).all(...bind(params)) as Row[],
    one: async (sql, params) => prepare(sql).get(...bind(params)) as Row | undefined,
    run: async (sql, params) => ({ changes: Number(prepare(sql).run(...bind(params)).changes) }),
    exec: async (sql) => db.exec(sql),
  };
  // One connection: transactions must not interleave, so every statement waits its turn.
  const lock = createMutex();
  let closed = false;
  return {
    engine: 'sqlite',
    location: path,
    all: (sql, params) => lock.run(() => direct.all(sql, params)),
    one: (sql, params) => lock.run(() => direct.one(sql, params)),
    run: (sql, params) => lock.run(() => direct.run(sql, params)),
    exec: (sql) => lock.run(() => direct.exec(sql)),
    transaction: (fn, options) =>
      lock.run(async () => {
        const relaxed = options?.durability === 'process';
        // Inside the lock, so no other transaction on this connection can commit with the relaxed setting.
        if (relaxed) db.exec('PRAGMA synchronous=NORMAL');
        try {
          db.exec('BEGIN IMMEDIATE');
          try {
            const value = await fn(direct);
            db.exec('COMMIT');
            return value;
          } catch (error) {
            if (db.isTransaction) db.exec('ROLLBACK');
            throw error;
          }
        } finally {
          if (relaxed) db.exec('PRAGMA synchronous=FULL');
        }
      }),
    close: () =>
      lock.run(async () => {
        if (closed) return;
        closed = true;
        statements.clear();
        db.close();
      }),
  };
}
