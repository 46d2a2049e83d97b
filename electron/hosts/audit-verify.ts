import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { verifyAuditChain } from '../core/audit/audit-log.ts';
import { openStore } from '../core/store/open-store.ts';

/**
 * `npm run audit:verify -- --data <dir> | --database <postgres-url>`: walks
 * the audit log's hash chain and names the first record that does not fit.
 * Exit code 0 when the chain is intact, 1 when it is broken, 2 when the store
 * cannot be opened. It reads only: the secrets are not needed.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { data: { type: 'string', default: 'town-crier-data' }, database: { type: 'string' } },
  });
  const databaseUrl = values.database ?? process.env.TOWN_CRIER_DATABASE_URL;
  let db;
  try {
    db = await openStore({ dataDir: resolve(values.data), databaseUrl });
  } catch (error) {
    process.stderr.write(`Could not open the store: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  try {
    const result = await verifyAuditChain(db);
    if (result.ok) {
      process.stdout.write(
        `Audit log intact: ${result.rows} records${result.headHash ? `, last hash ${result.headHash}` : ''}.\n`,
      );
      return 0;
    }
    process.stdout.write(
      `Audit log BROKEN at record ${result.firstBrokenSeq}: ${result.reason}. ` +
        `${result.rows} records before it are intact.\n`,
    );
    return 1;
  } finally {
    await db.close();
  }
}

process.exitCode = await main();
