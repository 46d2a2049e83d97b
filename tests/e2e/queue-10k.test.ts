import { randomBytes, randomUUID } from 'node:crypto';
import { approveCurrent, signedIn } from '../support/people.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createCore } from '../../electron/core/app.ts';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry } from '../../electron/core/channels/registry.ts';
import { createLogger } from '../../electron/core/logging/logger.ts';
import { createQueueRepository } from '../../electron/core/queue/queue-repository.ts';
import { createAesGcmCipher, createFileSecretStore } from '../../electron/core/secrets/file-secret-store.ts';
import { createMemorySettingsStore } from '../../electron/core/settings/settings-store.ts';
import { openStore } from '../../electron/core/store/open-store.ts';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp } from '../support/e2e-app.ts';

const COUNT = 10_000;

/** One real publication through the core, then 9,999 more rows like it in one transaction (seconds, not minutes). */
async function seedTenThousand(dataDir: string): Promise<void> {
  const db = await openStore({ dataDir });
  const core = await signedIn(
    createCore({
      db,
      settings: createMemorySettingsStore(),
      secrets: createFileSecretStore(join(dataDir, 'seed-secrets.json'), createAesGcmCipher(randomBytes(32))),
      logger: createLogger('seed', () => undefined),
      channels: createChannelRegistry(BUILT_IN_CHANNEL_ADAPTERS),
    }),
  );
  const ok = <T>(r: { ok: true; value: unknown } | { ok: false; error: { message: string } }) => {
    if (!r.ok) throw new Error(r.error.message);
    return r.value as T;
  };
  const update = ok<{ id: string }>(await core.call('updates.create', { title: 'Seeded update' }));
  const target = ok<{ id: string }>(
    await core.call('channels.create', {
      kind: 'website.static',
      name: 'Council website',
      settings: {
        folder: mkdtempSync(join(tmpdir(), 'tc-seed-site-')),
        siteUrl: 'https://example.gov.uk',
        siteTitle: 'News',
      },
    }),
  );
  await approveCurrent(core, update.id);
  const first = ok<{ updateRevision: number; contentHash: string; createdAt: string }>(
    await core.call('queue.publish', { updateId: update.id, targetIds: [target.id] }),
  );
  const base = new Date(first.createdAt).getTime();
  await db.transaction(async (tx) => {
    const repo = createQueueRepository(tx);
    for (let i = 1; i < COUNT; i++) {
      const id = randomUUID();
      const createdAt = new Date(base - i * 60_000).toISOString();
      await repo.insertPublication({
        id,
        updateId: update.id,
        updateRevision: first.updateRevision,
        contentHash: first.contentHash,
        scheduledAt: null,
        createdAt,
        createdBy: null,
        authorisation: 'approved',
        urgentReason: null,
      });
      await repo.insertDelivery({
        id: randomUUID(),
        publicationId: id,
        targetId: target.id,
        status: 'queued',
        attemptLimit: 5,
        nextAttemptAt: createdAt,
        idempotencyKey: randomUUID(),
        dependsOnDeliveryId: null,
        createdAt,
      });
    }
  });
  await core.close();
}

// No worker: the rows stay as seeded, and the status bar says who publishes.
const app = useE2eApp({ hostArgs: ['--no-worker'], seed: seedTenThousand });

test('the queue scrolls through 10,000 publications drawing only the rows in view, paging by cursor', async () => {
  const page = await app.open();
  await expect.poll(() => page.locator('.status-bar').textContent()).toContain('Worker stopped');
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  const list = page.getByRole('list', { name: 'Publications' });
  await list.waitFor();
  const rows = list.getByRole('listitem');
  expect(await rows.count()).toBeLessThan(40);
  await expect(rows.first().getAttribute('aria-posinset')).resolves.toBe('1');

  // Scroll to the end again and again: each time near the end, the next page (200) loads by cursor.
  const scroller = page.locator('.windowed-list');
  const started = Date.now();
  await expect
    .poll(
      async () => {
        await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
        return rows.last().getAttribute('aria-posinset');
      },
      { timeout: 60_000, interval: 50 },
    )
    .toBe(String(COUNT));
  const elapsed = Date.now() - started;
  expect(await rows.count()).toBeLessThan(40);
  await expect.poll(() => page.locator('.queue .hint').first().textContent()).toBe('All: 10,000 publications');
  await page.screenshot({ path: 'test-results/queue-10k-end.png' });
  expect(await axeViolations(page)).toEqual([]);

  // Scrolling a long way in one go draws only the rows now in view.
  const frameMs = await scroller.evaluate(async (el) => {
    const t0 = performance.now();
    el.scrollTo(0, el.scrollHeight / 2);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t0;
  });
  // What the jump drew: only the rows around the middle, not the 10,000 (speed itself is for benchmarks, not tests).
  expect(await rows.count()).toBeLessThan(40);
  await expect
    .poll(async () => Number(await rows.first().getAttribute('aria-posinset')) / COUNT, { timeout: 15_000 })
    .toBeGreaterThan(0.4);
  expect(Number(await rows.first().getAttribute('aria-posinset')) / COUNT).toBeLessThan(0.6);
  process.stdout.write(
    `queue 10k: paged to the end in ${elapsed} ms; a half-list jump drew in ${frameMs.toFixed(1)} ms\n`,
  );
});
