import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openStore } from '../../../electron/core/store/open-store.ts';
import type { SqlDb } from '../../../electron/core/store/sql.ts';
import { createFreshDatabase, startThrowawayPostgres, type ThrowawayPostgres } from '../../support/postgres.ts';

/**
 * Fresh stores on both engines for the email tests: a SQLite file in a temp
 * folder, or a new database in a throwaway PostgreSQL cluster started once per file.
 */
export function emailStores() {
  let cluster: Promise<ThrowawayPostgres> | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeAll(async () => {
    cluster = startThrowawayPostgres();
    await cluster.catch(() => undefined);
  });
  afterAll(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await (await cluster?.catch(() => undefined))?.stop();
  });
  return {
    tempDir(): string {
      const dir = mkdtempSync(join(tmpdir(), 'town-crier-email-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    async open(engine: 'sqlite' | 'postgres'): Promise<{ db: SqlDb; dataDir: string; databaseUrl?: string }> {
      const dataDir = this.tempDir();
      if (engine === 'sqlite') {
        const db = await openStore({ dataDir });
        cleanups.push(() => db.close());
        return { db, dataDir };
      }
      if (!cluster) throw new Error('The PostgreSQL cluster was not started');
      const databaseUrl = await createFreshDatabase(await cluster, { prefix: 'email' });
      const db = await openStore({ dataDir, databaseUrl });
      cleanups.push(() => db.close());
      return { db, dataDir, databaseUrl };
    },
  };
}

export const ENGINES = [{ engine: 'sqlite' as const }, { engine: 'postgres' as const }];
