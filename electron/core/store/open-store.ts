import { join } from 'node:path';
import { openPostgres } from './postgres.ts';
import { openSqlite } from './sqlite.ts';
import { migrate } from './migrations.ts';
import type { SqlDb } from './sql.ts';

export const SQLITE_FILE_NAME = 'town-crier.sqlite';

/** Where the data lives: a data folder (SQLite, the default) or a `postgres://` URL (team mode). */
export type StoreLocation = { dataDir: string; databaseUrl?: string | undefined };

/** Opens the store for a location and migrates it to the current schema. */
export async function openStore(location: StoreLocation): Promise<SqlDb> {
  const url = location.databaseUrl;
  if (url !== undefined && url !== '') {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error('The database URL must start with postgres:// (or leave it empty to use the local file)');
    }
  }
  const db = url ? openPostgres(url) : openSqlite(join(location.dataDir, SQLITE_FILE_NAME));
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
