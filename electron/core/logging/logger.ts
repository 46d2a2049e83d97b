/**
 * Structured logging with redaction. App code logs through `createLogger('area')`,
 * never console.log, and a secret value can never reach a log line.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogRecord = { time: string; level: LogLevel; area: string; message: string; data?: unknown };
export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  warn(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
  child(area: string): Logger;
}

const SECRET_KEY = /pass(word)?|secret|token|authorization|api[-_]?key|cookie|credential|private[-_]?key/i;
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Replaces values under secret-looking keys, and passwords inside URLs, with "[redacted]". */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return value.replace(/(\/\/[^:/@\s]+:)[^@\s/]+@/g, '$1[redacted]@');
  if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1) };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
    return out;
  }
  return value;
}

/** A sink writing one JSON line per record to stderr, at or above `min`. */
export function stderrSink(min: LogLevel = 'warn'): LogSink {
  return (record) => {
    if (LEVELS[record.level] >= LEVELS[min]) process.stderr.write(`${JSON.stringify(record)}\n`);
  };
}

export function createLogger(area: string, sink: LogSink = stderrSink()): Logger {
  const write = (level: LogLevel) => (message: string, data?: unknown) =>
    sink({
      time: new Date().toISOString(),
      level,
      area,
      message: String(redact(message)),
      ...(data === undefined ? {} : { data: redact(data) }),
    });
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (sub) => createLogger(`${area}.${sub}`, sink),
  };
}
