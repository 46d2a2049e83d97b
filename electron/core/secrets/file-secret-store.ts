import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile, chmod } from 'node:fs/promises';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { createMutex } from '../store/mutex.ts';
import type { SecretCipher, SecretStore } from './secret-store.ts';

const SecretsFile = z.object({
  version: z.literal(1),
  secrets: z.record(z.string(), z.object({ sealed: z.string(), updatedAt: z.string() })),
});
type SecretsFile = z.infer<typeof SecretsFile>;

/** AES-256-GCM with a random 96-bit nonce per value; the output is `v1.<nonce>.<tag>.<ciphertext>` in base64url. */
export function createAesGcmCipher(key: Uint8Array): SecretCipher {
  if (key.length !== 32) throw new Error('The secrets key must be 32 bytes');
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), body]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    decrypt(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('A stored secret is damaged');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The key for the Node hosts: `TOWN_CRIER_SECRET_KEY` (base64, 32 bytes) when
 * set, else a key file (created with mode 0600 on first use).
 */
export function loadSecretKey(opts: { env?: string | undefined; keyFile: string }): Uint8Array {
  if (opts.env) {
    const key = Buffer.from(opts.env, 'base64');
    if (key.length !== 32) throw new Error('TOWN_CRIER_SECRET_KEY must be 32 bytes, base64-encoded');
    return key;
  }
  if (!existsSync(opts.keyFile)) {
    mkdirSync(dirname(opts.keyFile), { recursive: true });
    writeFileSync(opts.keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const key = Buffer.from(readFileSync(opts.keyFile, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`The key file ${opts.keyFile} does not hold a 32-byte base64 key`);
  return key;
}

/** Secrets in one JSON file (mode 0600) whose values are sealed by `cipher`. */
export function createFileSecretStore(
  path: string,
  cipher: SecretCipher,
  now: () => Date = () => new Date(),
): SecretStore {
  const lock = createMutex();
  const load = async (): Promise<SecretsFile> => {
    try {
      return SecretsFile.parse(JSON.parse(await readFile(path, 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, secrets: {} };
      throw new Error(`The secrets file ${path} cannot be read`, { cause: error });
    }
  };
  const save = async (file: SecretsFile) => {
    await writeFileAtomic(path, JSON.stringify(file), 0o600);
    await chmod(path, 0o600);
  };
  return {
    set: (name, value) =>
      lock.run(async () => {
        const file = await load();
        const updatedAt = now().toISOString();
        file.secrets[name] = { sealed: cipher.encrypt(value), updatedAt };
        await save(file);
        return { name, updatedAt };
      }),
    get: (name) =>
      lock.run(async () => {
        const entry = (await load()).secrets[name];
        return entry ? cipher.decrypt(entry.sealed) : undefined;
      }),
    delete: (name) =>
      lock.run(async () => {
        const file = await load();
        if (!(name in file.secrets)) return false;
        delete file.secrets[name];
        await save(file);
        return true;
      }),
    list: () =>
      lock.run(async () =>
        Object.entries((await load()).secrets)
          .map(([name, e]) => ({ name, updatedAt: e.updatedAt }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      ),
  };
}
