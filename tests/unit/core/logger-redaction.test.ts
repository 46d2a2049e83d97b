import { describe, expect, it } from 'vitest';
import { createLogger, redact, type LogRecord } from '../../../electron/core/logging/logger.ts';

describe('logger redaction', () => {
  it('hides values under secret-looking keys at any depth', () => {
    const out = JSON.stringify(
      redact({
        smtp: { host: 'relay', password: 'p4ss' },
        headers: { Authorization: 'Bearer abc' },
        apiKey: 'k',
        accessToken: 't',
      }),
    );
    expect(out).toContain('relay');
    for (const secret of ['p4ss', 'Bearer abc', '"k"', '"t"']) expect(out).not.toContain(secret);
  });

  it('hides passwords inside URLs', () => {
    expect(redact('postgres://crier:s3cret@db.internal:5432/comms')).toBe(
      'postgres://crier:[redacted]@db.internal:5432/comms',
    );
  });

  it('redacts the message and data of every record', () => {
    const records: LogRecord[] = [];
    const log = createLogger('test', (r) => records.push(r));
    log.error('connect to postgres://u:pw@h/db failed', {
      token: 'abc',
      error: new Error('auth for https://a:b@c failed'),
    });
    const text = JSON.stringify(records);
    expect(text).not.toContain(':pw@');
    expect(text).not.toContain('abc');
    expect(text).not.toContain(':b@');
    expect(records[0]?.area).toBe('test');
  });
});
