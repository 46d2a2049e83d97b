import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CoreError } from '../../../electron/core/errors.ts';
import {
  createDesktopSecretStore,
  createSafeStorageCipher,
  DESKTOP_SECRETS_FILE,
  secretStorageProblem,
} from '../../../electron/main/secrets.ts';
import { FakeSafeStorage } from '../../support/fake-electron.ts';

vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).fakeElectron);

const SECRET = 'xoxb-11111-Sup3r-S3cret';

let safeStorage: FakeSafeStorage;
let dir: string;

beforeEach(async () => {
  safeStorage = new FakeSafeStorage();
  dir = await mkdtemp(join(tmpdir(), 'tc-secrets-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the safeStorage cipher', () => {
  it('round-trips, and the sealed form is tagged base64 with no plain text in it', () => {
    const cipher = createSafeStorageCipher(safeStorage, 'linux');
    const sealed = cipher.encrypt(SECRET);
    expect(sealed).toMatch(/^safe1:[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain(SECRET);
    expect(Buffer.from(sealed.slice('safe1:'.length), 'base64').toString('latin1')).not.toContain(SECRET);
    expect(cipher.decrypt(sealed)).toBe(SECRET);
  });

  it('round-trips non-ASCII text', () => {
    const cipher = createSafeStorageCipher(safeStorage, 'win32');
    expect(cipher.decrypt(cipher.encrypt('pässwörd £ 🔑'))).toBe('pässwörd £ 🔑');
  });

  it('refuses to encrypt when safeStorage says encryption is unavailable, with a clear forbidden error', () => {
    safeStorage.available = false;
    const cipher = createSafeStorageCipher(safeStorage, 'win32');
    expect(() => cipher.encrypt(SECRET)).toThrow(CoreError);
    expect(() => cipher.encrypt(SECRET)).toThrow(/secure key store is not available/);
    expect(safeStorage.encryptCalls).toBe(0);
  });

  it.each(['basic_text', 'unknown'] as const)('treats the Linux %s backend as unavailable', (backend) => {
    safeStorage.backend = backend;
    const cipher = createSafeStorageCipher(safeStorage, 'linux');
    expect(() => cipher.encrypt(SECRET)).toThrow(/GNOME Keyring or KWallet/);
    expect(safeStorage.encryptCalls).toBe(0);
  });

  it.each(['gnome_libsecret', 'kwallet5', 'kwallet6'] as const)('accepts the Linux %s backend', (backend) => {
    safeStorage.backend = backend;
    expect(secretStorageProblem(safeStorage, 'linux')).toBeUndefined();
  });

  it('ignores the Linux backend on other platforms', () => {
    safeStorage.backend = 'basic_text';
    expect(secretStorageProblem(safeStorage, 'darwin')).toBeUndefined();
  });

  it('refuses to decrypt while unavailable, and refuses values it did not seal', () => {
    const cipher = createSafeStorageCipher(safeStorage, 'linux');
    const sealed = cipher.encrypt(SECRET);
    expect(() => cipher.decrypt(`v1.${sealed}`)).toThrow(/not sealed by this app/);
    expect(() => cipher.decrypt('safe1:AAAA')).toThrow(/could not be unlocked/);
    safeStorage.available = false;
    expect(() => cipher.decrypt(sealed)).toThrow(CoreError);
  });

  it('never puts the secret in an error message', () => {
    safeStorage.available = false;
    const cipher = createSafeStorageCipher(safeStorage, 'linux');
    let message = '';
    try {
      cipher.encrypt(SECRET);
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).not.toBe('');
    expect(message).not.toContain(SECRET);
  });
});

describe('the desktop secret store', () => {
  it('persists sealed values in desktop-secrets.json (mode 0600) and reads them back', async () => {
    const store = createDesktopSecretStore({ safeStorage, dataDir: dir, platform: 'linux' });
    await store.set('x.api-key', SECRET);
    const path = join(dir, DESKTOP_SECRETS_FILE);
    const onDisk = await readFile(path, 'utf8');
    expect(onDisk).toContain('x.api-key');
    expect(onDisk).not.toContain(SECRET);
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);
    const reopened = createDesktopSecretStore({ safeStorage, dataDir: dir, platform: 'linux' });
    expect(await reopened.get('x.api-key')).toBe(SECRET);
    expect((await reopened.list()).map((s) => s.name)).toEqual(['x.api-key']);
  });

  it('stores nothing when the key store is unavailable', async () => {
    safeStorage.backend = 'basic_text';
    const store = createDesktopSecretStore({ safeStorage, dataDir: dir, platform: 'linux' });
    await expect(store.set('x.api-key', SECRET)).rejects.toThrow(CoreError);
    await expect(readFile(join(dir, DESKTOP_SECRETS_FILE), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
