import pg from 'pg';
import type { ListenHandlers, Listening, Row, SqlDb, SqlExecutor, SqlValue } from './sql.ts';

const TIMESTAMPTZ_OID = 1184;
const TIMESTAMP_OID = 1114;
const INT8_OID = 20;

/** Timestamps come back as ISO strings, the same as from SQLite. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === TIMESTAMPTZ_OID || oid === TIMESTAMP_OID) return (v: string) => new Date(v).toISOString();
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** The connection URL with its password replaced, for showing and logging. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '*****';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}

function executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  const query = (sql: string, params?: readonly SqlValue[]) =>
    client.query<Row>({ text: sql, values: params ? [...params] : [], types });
  return {
    engine: 'postgres',
    all: async (sql, params) => (await query(sql, params)).rows,
    one: async (sql, params) => (await query(sql, params)).rows[0],
    run: async (sql, params) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
    exec: async (sql) => {
      await client.query(sql);
    },
  };
}

/** Team mode: a shared PostgreSQL database, chosen with a `postgres://` URL. */
export function openPostgres(url: string, options: { max?: number } = {}): SqlDb {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client losing its connection must not crash the host; the next query reconnects.
  pool.on('error', () => undefined);
  const direct = executor(pool);
  return {
    ...direct,
    location: redactDatabaseUrl(url),
    async transaction(fn, options) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        if (options?.durability === 'process') await client.query('SET LOCAL synchronous_commit TO off');
        const value = await fn(executor(client));
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
    listen: (channel, handlers) => listenOn(url, channel, handlers),
  };
}

/** The `application_name` of LISTEN connections, so an operator (or a test) can find them in pg_stat_activity. */
export const LISTEN_APPLICATION_NAME = 'town-crier-events';

async function listenOn(url: string, channel: string, handlers: ListenHandlers): Promise<Listening> {
  const client = new pg.Client({ connectionString: url, application_name: LISTEN_APPLICATION_NAME });
  let ready = false;
  let done = false;
  const lost = (error: Error) => {
    if (!ready || done) return;
    done = true;
    client.end().catch(() => undefined);
    handlers.lost(error);
  };
  client.on('error', lost);
  client.on('end', () => lost(new Error('The connection ended')));
  client.on('notification', (message) => {
    if (message.channel === channel) handlers.message(message.payload ?? '');
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
  } catch (error) {
    done = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  ready = true;
  return {
    close: async () => {
      if (done) return;
      done = true;
      await client.end().catch(() => undefined);
    },
  };
}
