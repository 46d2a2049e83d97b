/**
 * Where channel passwords and tokens are kept, encrypted at rest. Values go
 * in through `set` and are read only by core code that needs them (channel
 * adapters); no method of the contract ever returns one.
 */
export interface SecretStore {
  set(name: string, value: string): Promise<{ name: string; updatedAt: string }>;
  get(name: string): Promise<string | undefined>;
  delete(name: string): Promise<boolean>;
  list(): Promise<{ name: string; updatedAt: string }[]>;
}

/** How the desktop app encrypts (Electron safeStorage) and the Node hosts encrypt (AES-256-GCM with a key). */
export interface SecretCipher {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}
