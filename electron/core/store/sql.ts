/**
 * The one SQL surface every repository is written against. Statements use
 * PostgreSQL-style `$1` placeholders; the SQLite engine rewrites them to `?1`.
 * Timestamps cross this boundary as ISO-8601 UTC strings on both engines.
 */
export type SqlValue = string | number | bigint | null | Uint8Array;
export type Row = Record<string, unknown>;

export type Engine = 'sqlite' | 'postgres';

export interface SqlExecutor {
  readonly engine: Engine;
  all(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  one(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * `durability: 'process'` commits without waiting for the disk: the commit survives the process being killed
 * (the operating system has the data), but not a power cut or an OS crash in the next moments. SQLite runs that
 * one commit with `synchronous=NORMAL` (WAL), PostgreSQL with `synchronous_commit = off`. Only for frequent,
 * replaceable records whose loss is understood (the email fan-out's per-recipient statuses); the default is full.
 */
export type TransactionOptions = { durability?: 'full' | 'process' };

export interface SqlDb extends SqlExecutor {
  /** Where the data lives, safe to show (no password). */
  readonly location: string;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
  /**
   * PostgreSQL only: a dedicated connection, outside the pool, that LISTENs on
   * `channel` (cross-process events). `lost` is called once if it drops after
   * it was set up; the caller reconnects.
   */
  listen?(channel: string, handlers: ListenHandlers): Promise<Listening>;
}

export type ListenHandlers = { message(payload: string): void; lost(error: Error): void };

/** A LISTEN connection that is up; `close()` ends it without calling `lost`. */
export interface Listening {
  close(): Promise<void>;
}

/** Escapes `%`, `_` and `\` for a LIKE pattern used with `ESCAPE '\'`. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
