import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAesGcmCipher,
  createFileSecretStore,
  loadSecretKey,
} from '../../../electron/core/secrets/file-secret-store.ts';

describe('AES-256-GCM secret cipher', () => {
  const cipher = createAesGcmCipher(randomBytes(32));

  it('round-trips and never repeats a ciphertext', () => {
    const a = cipher.encrypt('app-password');
    expect(a).not.toContain('app-password');
    expect(cipher.encrypt('app-password')).not.toBe(a);
    expect(cipher.decrypt(a)).toBe('app-password');
  });

  it('detects tampering', () => {
    const sealed = cipher.encrypt('token');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
  });

  it('refuses a value sealed with another key', () => {
    expect(() => createAesGcmCipher(randomBytes(32)).decrypt(cipher.encrypt('x'))).toThrow();
  });
});

describe('secret key loading', () => {
  it('creates a 0600 key file once and reuses it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tc-key-')), 'secret.key');
    const first = loadSecretKey({ keyFile: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(loadSecretKey({ keyFile: file })).equals(Buffer.from(first))).toBe(true);
  });

  it('takes the key from the environment and checks its length', () => {
    const key = randomBytes(32).toString('base64');
    expect(loadSecretKey({ env: key, keyFile: '/nonexistent/never-created' }).length).toBe(32);
    expect(() => loadSecretKey({ env: 'c2hvcnQ=', keyFile: '/x' })).toThrow(/32 bytes/);
  });
});

describe('file secret store', () => {
  it('keeps values encrypted in a 0600 file and lists names only', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tc-secrets-')), 'secrets.json');
    const store = createFileSecretStore(
      path,
      createAesGcmCipher(randomBytes(32)),
      () => new Date('2026-11-26T10:00:00Z'),
    );
    await store.set('x.access-secret', 'sup3r-s3cret');
    expect(readFileSync(path, 'utf8')).not.toContain('sup3r-s3cret');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await store.get('x.access-secret')).toBe('sup3r-s3cret');
    expect(await store.list()).toEqual([{ name: 'x.access-secret', updatedAt: '2026-11-26T10:00:00.000Z' }]);
    expect(await store.delete('x.access-secret')).toBe(true);
    expect(await store.delete('x.access-secret')).toBe(false);
    expect(await store.get('x.access-secret')).toBeUndefined();
  });
});
