import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { CoreError } from '../core/errors.ts';
import { createFileSecretStore } from '../core/secrets/file-secret-store.ts';
import type { SecretCipher, SecretStore } from '../core/secrets/secret-store.ts';

/** The part of Electron's safeStorage the cipher uses. */
export type SafeStorageLike = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'
>;

/**
 * The desktop app's secrets file. It is not the Node hosts' `secrets.json`:
 * values sealed by this computer's key store cannot be read by the web host or
 * worker (and vice versa), so the two must never share a file.
 */
export const DESKTOP_SECRETS_FILE = 'desktop-secrets.json';

/** Marks a value sealed by safeStorage, so a value from another cipher fails clearly. */
const SEALED_PREFIX = 'safe1:';

/**
 * Why secrets cannot be stored on this computer, or undefined when they can.
 *
 * On Linux without GNOME Keyring or KWallet, Chromium falls back to the
 * `basic_text` backend: `isEncryptionAvailable()` still says true, but the
 * key is a constant compiled into Chromium, so anyone who can read the file
 * can read the secrets. That is obfuscation, not encryption, so we refuse it.
 * `unknown` means safeStorage was asked before the app was ready.
 */
export function secretStorageProblem(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string | undefined {
  if (!safeStorage.isEncryptionAvailable()) {
    return "Town Crier can't save passwords or tokens because this computer's secure key store is not available. Sign in to your desktop session and restart Town Crier, or ask IT for help.";
  }
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') {
      return "Town Crier can't save passwords or tokens because no keyring is running. Install and unlock GNOME Keyring or KWallet, then restart Town Crier.";
    }
  }
  return undefined;
}

/**
 * A SecretCipher backed by Electron safeStorage (Keychain, DPAPI, or the Linux
 * keyring), storing `safe1:` + base64. It checks the key store on every use,
 * because availability is only known after the app is ready and a keyring can
 * go away; it refuses rather than fall back to weaker storage.
 */
export function createSafeStorageCipher(safeStorage: SafeStorageLike, platform: NodeJS.Platform): SecretCipher {
  const ensureAvailable = () => {
    const problem = secretStorageProblem(safeStorage, platform);
    if (problem !== undefined) throw new CoreError('forbidden', problem);
  };
  return {
    encrypt(plain) {
      ensureAvailable();
      return SEALED_PREFIX + safeStorage.encryptString(plain).toString('base64');
    },
    decrypt(sealed) {
      ensureAvailable();
      if (!sealed.startsWith(SEALED_PREFIX)) {
        throw new Error('A stored secret was not sealed by this app on this computer; set it again.');
      }
      try {
        return safeStorage.decryptString(Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64'));
      } catch (error) {
        throw new Error('A stored secret could not be unlocked on this computer; set it again.', { cause: error });
      }
    },
  };
}

/** The desktop secret store: `desktop-secrets.json` (mode 0600) in the data folder, sealed by safeStorage. */
export function createDesktopSecretStore(opts: {
  safeStorage: SafeStorageLike;
  dataDir: string;
  platform: NodeJS.Platform;
}): SecretStore {
  return createFileSecretStore(
    join(opts.dataDir, DESKTOP_SECRETS_FILE),
    createSafeStorageCipher(opts.safeStorage, opts.platform),
  );
}
