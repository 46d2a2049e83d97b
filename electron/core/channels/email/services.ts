import type { SecretStore } from '../../secrets/secret-store.ts';
import type { SettingsStore } from '../../settings/settings-store.ts';
import type { SqlDb } from '../../store/sql.ts';
import { readsFromStores, unsubscribeKeyFrom, type WorkerReads } from '../../queue/worker-reads.ts';
import { createRecipientStore, type RecipientStore } from './recipient-store.ts';

/**
 * What a fan-out channel (email) needs beyond the adapter contract: the
 * narrow per-delivery recipients store, the unsubscribe key and public
 * address, and whether to stop. The adapter contract gives no database handle
 * to adapters; this is the one exception, scoped to recipients and built by
 * the host's worker (see docs/architecture.md § Email).
 */
export type FanoutServices = {
  recipients: RecipientStore;
  /** The public base URL of `/u/<token>` (Settings → public address), or null when not set. */
  publicBaseUrl: string | null;
  unsubscribeKey(): Promise<Buffer>;
  /** True once the worker is stopping: the send records what it did and hands back the rest. */
  shouldStop(): boolean;
  /** Announces `email.send.progress` for a delivery (the fan-out calls it at most twice a second). */
  progress?: (deliveryId: string) => void;
};

export type FanoutFactory = () => Promise<Omit<FanoutServices, 'shouldStop'>>;

export function createFanoutFactory(deps: {
  db: SqlDb;
  secrets: SecretStore;
  settings: SettingsStore;
  /** Where progress hints go: the core's event bus, or the headless worker's relay. */
  onProgress?: (deliveryId: string) => void;
}): FanoutFactory {
  return fanoutFactoryFromReads(deps.db, readsFromStores(deps.secrets, deps.settings), deps.onProgress);
}

/** The same through a reader: a worker thread asks its host for the address and the key. */
export function fanoutFactoryFromReads(
  db: SqlDb,
  reads: WorkerReads,
  onProgress?: (deliveryId: string) => void,
): FanoutFactory {
  const recipients = createRecipientStore(db);
  return async () => ({
    recipients,
    ...(onProgress ? { progress: onProgress } : {}),
    publicBaseUrl: await reads.publicBaseUrl(),
    unsubscribeKey: () => unsubscribeKeyFrom(reads),
  });
}
