/**
 * `npm run bench`: each figure is measured beside a baseline in the same run
 * (these machines are noisy), printed as a table and written to out/bench/results.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createCore } from '../electron/core/app.ts';
import { createLogger } from '../electron/core/logging/logger.ts';
import { createAesGcmCipher, createFileSecretStore } from '../electron/core/secrets/file-secret-store.ts';
import { createMemorySettingsStore } from '../electron/core/settings/settings-store.ts';
import { openStore } from '../electron/core/store/open-store.ts';
import { OUTBOX_TAIL_SQL } from '../electron/core/event-relay.ts';
import { createUpdatesRepository } from '../electron/core/updates/updates-repository.ts';
import { createQueueRepository } from '../electron/core/queue/queue-repository.ts';
import { contentHashOf } from '../electron/core/updates/content-hash.ts';
import type { Doc } from '../shared/content/doc.ts';
import { docToHtml, docToPlainText } from '../shared/content/render.ts';

// `npm run bench -- email …` runs the email fan-out benchmark instead (bench/email.ts).
if (process.argv[2] === 'email') {
  await (await import('./email.ts')).runEmailBench(process.argv.slice(3));
  process.exit(0);
}
// `npm run bench -- ui-during-send …`: the UI's calls during a large send, worker in-process vs in a thread.
if (process.argv[2] === 'ui-during-send') {
  await (await import('./ui-during-send.ts')).runUiDuringSendBench(process.argv.slice(3));
  process.exit(0);
}
// `npm run bench -- queue …` runs the publishing queue benchmark (bench/queue.ts).
if (process.argv[2] === 'queue') {
  await (await import('./queue.ts')).runQueueBench(process.argv.slice(3));
  process.exit(0);
}

type Row = { name: string; unit: string; value: number; baseline: number; ratio: number; note: string };

async function timeEach(n: number, fn: (i: number) => Promise<unknown> | unknown): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return (performance.now() - started) / n;
}

function body(i: number): Doc {
  return {
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: `Section ${i}` }] },
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: 'Bins will be collected ' },
          { type: 'text', text: 'one day late', marks: [{ type: 'bold' }] },
          { type: 'text', text: ' after the bank holiday. ' },
          {
            type: 'text',
            text: 'Check your day',
            marks: [{ type: 'link', attrs: { href: 'https://www.example.gov.uk/bins' } }],
          },
        ],
      },
      {
        type: 'bulletList',
        content: [1, 2, 3].map((n) => ({
          type: 'listItem' as const,
          content: [{ type: 'paragraph' as const, content: [{ type: 'text' as const, text: `Area ${n}` }] }],
        })),
      },
    ],
  };
}

const dir = mkdtempSync(join(tmpdir(), 'town-crier-bench-'));
const rows: Row[] = [];
try {
  const db = await openStore({ dataDir: dir });
  const core = createCore({
    db,
    settings: createMemorySettingsStore(),
    secrets: createFileSecretStore(join(dir, 'secrets.json'), createAesGcmCipher(randomBytes(32))),
    logger: createLogger('bench', () => undefined),
  });
  // Every method but the public ones needs a session: first-run set-up signs the admin in.
  const setup = await core.call('auth.setup', {
    name: 'Bench Admin',
    email: 'bench@council.example',
    password: 'a long bench passphrase',
  });
  if (!setup.ok) throw new Error(setup.error.message);
  const session = (setup.value as { token: string }).token;
  const call = (method: string, input: unknown) => core.call(method, input, { session });

  // Baseline: the same durable write (WAL, synchronous=FULL, one transaction) with no validation, sanitising or rendering.
  const raw = new DatabaseSync(join(dir, 'baseline.sqlite'));
  raw.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (id text, rev int, body text)');
  const insert = raw.prepare('INSERT INTO t VALUES (?, ?, ?)');

  const created = await call('updates.create', { title: 'Bench' });
  if (!created.ok) throw new Error(created.error.message);
  let revision = (created.value as { revision: number }).revision;
  const id = (created.value as { id: string }).id;
  const saves = 300;
  const baselineSave = await timeEach(saves, (i) => {
    raw.exec('BEGIN');
    insert.run(id, i, JSON.stringify(body(i)));
    raw.exec('COMMIT');
  });
  const coreSave = await timeEach(saves, async (i) => {
    const r = await call('updates.save', {
      id,
      baseRevision: revision,
      title: `Bench ${i}`,
      summary: '',
      body: body(i),
    });
    if (!r.ok) throw new Error(r.error.message);
    revision = (r.value as { revision: number }).revision;
  });
  rows.push({
    name: 'autosave (updates.save through the contract)',
    unit: 'ms/op',
    value: coreSave,
    baseline: baselineSave,
    ratio: coreSave / baselineSave,
    note: 'baseline: raw durable INSERT of the same JSON',
  });

  // 10,000 updates, then list pages of 50 as the Updates screen does.
  await db.transaction(async (tx) => {
    const txRepo = createUpdatesRepository(tx);
    for (let i = 0; i < 10_000; i++) {
      const doc = body(i);
      const t = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
      await txRepo.insert({
        id: randomUUID(),
        title: `Update ${i}`,
        summary: 'Summary',
        body: doc,
        channels: ['website'],
        variants: {},
        savedBy: null,
        bodyHtml: docToHtml(doc),
        bodyText: docToPlainText(doc),
        revision: 1,
        contentHash: contentHashOf({ title: `Update ${i}`, summary: 'Summary', body: doc }),
        createdAt: t,
        updatedAt: t,
      });
    }
  });
  const ro = new DatabaseSync(join(dir, 'town-crier.sqlite'), { readOnly: true });
  const rawPage = ro.prepare(
    'SELECT id, title, summary, body_text, revision, created_at, updated_at FROM updates ORDER BY updated_at DESC, id DESC LIMIT 51',
  );
  const pages = 200;
  const baselineList = await timeEach(pages, () => rawPage.all());
  const coreList = await timeEach(pages, async () => {
    const r = await call('updates.list', { limit: 50 });
    if (!r.ok) throw new Error(r.error.message);
  });
  rows.push({
    name: 'updates.list first page of 50, 10,000 updates',
    unit: 'ms/op',
    value: coreList,
    baseline: baselineList,
    ratio: coreList / baselineList,
    note: 'baseline: the same SELECT without validation or excerpts',
  });
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const r = await call('updates.list', { limit: 50, ...(cursor ? { cursor } : {}) });
    if (!r.ok) throw new Error(r.error.message);
    cursor = (r.value as { nextCursor: string | null }).nextCursor ?? undefined;
  }
  const deepList = await timeEach(pages, async () => {
    const r = await call('updates.list', { limit: 50, cursor });
    if (!r.ok) throw new Error(r.error.message);
  });
  rows.push({
    name: 'updates.list page 101 (keyset cursor)',
    unit: 'ms/op',
    value: deepList,
    baseline: coreList,
    ratio: deepList / coreList,
    note: 'baseline: the first page; keyset paging should stay near 1x',
  });

  // The SQLite event outbox every process tails every 500 ms (event-relay.ts), with 10,000 rows kept.
  const envelope = JSON.stringify({
    origin: randomUUID(),
    name: 'review.changed',
    payload: { updateId: randomUUID() },
  });
  await db.transaction(async (tx) => {
    for (let i = 0; i < 10_000; i++) {
      await tx.run('INSERT INTO event_outbox (origin, body, created_at) VALUES ($1, $2, $3)', [
        'bench',
        envelope,
        new Date(Date.now() - i).toISOString(),
      ]);
    }
  });
  const lastEvent = Number((await db.one('SELECT MAX(id) AS id FROM event_outbox'))?.id);
  const roundTrip = await timeEach(2000, () => db.one('SELECT 1 AS one'));
  const idleTail = await timeEach(2000, () => db.all(OUTBOX_TAIL_SQL, [lastEvent]));
  rows.push({
    name: 'event outbox tail, nothing new, 10,000 rows',
    unit: 'ms/op',
    value: idleTail,
    baseline: roundTrip,
    ratio: idleTail / roundTrip,
    note: 'baseline: SELECT 1 through the same store; runs every 500 ms in each process',
  });
  const busyTail = await timeEach(2000, () => db.all(OUTBOX_TAIL_SQL, [lastEvent - 10]));
  rows.push({
    name: 'event outbox tail, 10 new of 10,000 rows',
    unit: 'ms/op',
    value: busyTail,
    baseline: idleTail,
    ratio: busyTail / idleTail,
    note: 'baseline: the tail with nothing new',
  });
  const prune = await timeEach(200, () =>
    db.run('DELETE FROM event_outbox WHERE created_at < $1', ['2000-01-01T00:00:00.000Z']),
  );
  rows.push({
    name: 'event outbox prune (none old), 10,000 rows',
    unit: 'ms/op',
    value: prune,
    baseline: idleTail,
    ratio: prune / idleTail,
    note: 'baseline: the tail; the prune runs every 75 s per process',
  });

  // The queue's filter counts (queue.counts, one query) over 10,000 publications, re-read on every delivery.changed.
  const targetId = randomUUID();
  const statuses = ['delivered', 'delivered', 'delivered', 'failed', 'unconfirmed', 'scheduled', 'queued'] as const;
  await db.transaction(async (tx) => {
    const repo = createQueueRepository(tx);
    const t0 = new Date().toISOString();
    await repo.insertTarget({
      id: targetId,
      kind: 'website.static',
      name: 'Bench',
      settings: {},
      createdAt: t0,
      updatedAt: t0,
    });
    const version = await repo.currentVersion(id);
    if (!version) throw new Error('no version to publish');
    for (let i = 0; i < 10_000; i++) {
      const publicationId = randomUUID();
      const at = new Date(Date.now() - i * 60_000).toISOString();
      await repo.insertPublication({
        id: publicationId,
        updateId: id,
        updateRevision: version.revision,
        contentHash: version.contentHash,
        scheduledAt: null,
        createdAt: at,
        createdBy: null,
        authorisation: 'approved',
        urgentReason: null,
      });
      const deliveryId = randomUUID();
      await repo.insertDelivery({
        id: deliveryId,
        publicationId,
        targetId,
        status: 'queued',
        attemptLimit: 5,
        nextAttemptAt: at,
        idempotencyKey: randomUUID(),
        dependsOnDeliveryId: null,
        createdAt: at,
      });
      await tx.run('UPDATE deliveries SET status = $1 WHERE id = $2', [
        statuses[i % statuses.length] ?? 'queued',
        deliveryId,
      ]);
    }
  });
  const firstQueuePage = await timeEach(50, async () => {
    const r = await call('queue.list', { limit: 200 });
    if (!r.ok) throw new Error(r.error.message);
  });
  const counts = await timeEach(50, async () => {
    const r = await call('queue.counts', {});
    if (!r.ok) throw new Error(r.error.message);
  });
  rows.push({
    name: 'queue.counts, 10,000 publications',
    unit: 'ms/op',
    value: counts,
    baseline: firstQueuePage,
    ratio: counts / firstQueuePage,
    note: 'baseline: queue.list first page of 200 (what the Queue screen reads anyway)',
  });

  ro.close();
  raw.close();
  await core.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const pad = (s: string, n: number) => s.padEnd(n);
process.stdout.write(`${pad('benchmark', 48)}${pad('value', 12)}${pad('baseline', 12)}ratio\n`);
for (const r of rows) {
  process.stdout.write(
    `${pad(r.name, 48)}${pad(r.value.toFixed(3), 12)}${pad(r.baseline.toFixed(3), 12)}${r.ratio.toFixed(2)}x\n`,
  );
}
mkdirSync('out/bench', { recursive: true });
writeFileSync(
  'out/bench/results.json',
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
);
process.stdout.write('JSON: out/bench/results.json\n');
