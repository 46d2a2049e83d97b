import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry } from '../../../electron/core/channels/registry.ts';
import { channelAdapters, createHttpSinkAdapter, SINK_KIND } from '../../support/http-sink-channel.ts';
import { approveCurrent, colleague } from '../../support/people.ts';
import { createClock } from '../store/store-suite.ts';
import { callError, callOk, createScope, ENGINES, openQueueHarness, usePostgres } from './queue-harness.ts';

/**
 * The core behind the queue's remaining screens, on both engines: the filter
 * counts (one query), "Remove from the website" (retract) through the real
 * static-site adapter, the channel cards' stored status, and "Edit settings".
 */

const postgres = usePostgres();

/** A sink kind that declares a token, so "Replace credentials" applies to it. */
const SECRET_SINK = {
  ...createHttpSinkAdapter({ kind: 'test.sink-secret', displayName: 'Test sink with a token' }),
  secrets: [{ name: 'token', label: 'Token', hint: 'Any value.' }],
};

describe.each(ENGINES)('queue screens core on $engine', ({ engine }) => {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  const open = (options: { now?: () => Date } = {}) =>
    openQueueHarness(scope, engine, postgres, {
      channels: createChannelRegistry([...BUILT_IN_CHANNEL_ADAPTERS, ...channelAdapters, SECRET_SINK]),
      channelTestTimeoutMs: 2000,
      ...options,
    });

  it('counts every filter in one answer, matching what each list shows', async () => {
    const clock = createClock('2026-07-01T11:00:00.000Z');
    const h = await open({ now: clock.now });
    const target = await h.target();
    expect(await callOk(h.core, 'queue.counts', {})).toEqual({
      all: 0,
      failed: 0,
      unconfirmed: 0,
      scheduled: 0,
      today: 0,
    });
    const failed = await h.publish([target], { title: 'Failed' });
    const unconfirmed = await h.publish([target], { title: 'Unconfirmed' });
    const delivered = await h.publish([target], { title: 'Delivered' });
    await h.publish([target], { title: 'Scheduled', scheduledAt: '2099-01-01T09:00:00+00:00' });
    const failedId = failed.deliveries[0]?.id ?? '';
    const unconfirmedId = unconfirmed.deliveries[0]?.id ?? '';
    h.sink.behave((r) =>
      r.deliveryId === failedId
        ? { kind: 'status', status: 401, body: '{"error":"Token revoked"}' }
        : r.deliveryId === unconfirmedId
          ? { kind: 'drop' }
          : { kind: 'ok' },
    );
    const worker = await h.worker();
    worker.start();
    await h.waitFor(failedId, 'needs_reauth');
    await h.waitFor(unconfirmedId, 'unconfirmed');
    await h.waitFor(delivered.deliveries[0]?.id ?? '', 'delivered');
    await worker.stop();

    const counts = await callOk(h.core, 'queue.counts', {});
    expect(counts).toEqual({ all: 4, failed: 1, unconfirmed: 1, scheduled: 1, today: 3 });
    for (const filter of ['all', 'failed', 'unconfirmed', 'scheduled', 'today'] as const) {
      const list = await callOk(h.core, 'queue.list', { filter, limit: 200 });
      expect(list.items, filter).toHaveLength(counts[filter]);
    }
  });

  it('retracts a delivered static-site page: the page and its feed entries go, audited, and only once', async () => {
    const h = await open();
    const folder = join(h.scope.tempDir(), 'site');
    mkdirSync(folder);
    const site = await h.target('website.static', 'Council website', {
      folder,
      siteUrl: 'http://localhost:8080/news',
      siteTitle: 'Borsetshire Council',
    });
    const publication = await h.publish([site], { title: 'Fete cancelled' });
    const id = publication.deliveries[0]?.id ?? '';
    const worker = await h.worker();
    worker.start();
    const delivered = await h.waitFor(id, 'delivered');
    await worker.stop();
    const slug = delivered.externalId ?? '';
    expect(existsSync(join(folder, 'news', slug, 'index.html'))).toBe(true);
    expect(readFileSync(join(folder, 'feed.xml'), 'utf8')).toContain('Fete cancelled');

    // Someone who only administers (not a publisher, as for Cancel and Retry) is refused before anything is removed.
    const reader = await colleague(h.core, ['admin'], { name: 'Ada Two' });
    expect(await callError(reader, 'queue.retract', { deliveryId: id })).toMatchObject({ code: 'forbidden' });
    expect(existsSync(join(folder, 'news', slug, 'index.html'))).toBe(true);

    const before = h.events.length;
    const retracted = await callOk(h.core, 'queue.retract', { deliveryId: id });
    expect(retracted).toMatchObject({ status: 'delivered', retractedAt: expect.any(String) });
    expect(existsSync(join(folder, 'news', slug))).toBe(false);
    expect(readFileSync(join(folder, 'feed.xml'), 'utf8')).not.toContain('Fete cancelled');
    expect(readFileSync(join(folder, 'feed.json'), 'utf8')).not.toContain('Fete cancelled');
    expect(readFileSync(join(folder, 'index.html'), 'utf8')).not.toContain('Fete cancelled');
    expect(h.events.slice(before)).toContainEqual({
      name: 'delivery.changed',
      payload: expect.objectContaining({ id, status: 'delivered', retractedAt: retracted.retractedAt }),
    });

    const detail = await callOk(h.core, 'queue.get', { publicationId: publication.id });
    expect(detail.deliveries[0]?.retractedAt).toBe(retracted.retractedAt);
    expect(detail.history.at(-1)).toMatchObject({
      event: 'retract',
      fromStatus: 'delivered',
      toStatus: 'delivered',
      actor: expect.stringMatching(/^person:/),
    });
    expect(detail.status).toBe('delivered');
    const audit = await callOk(h.core, 'audit.list', { action: 'delivery.retracted' });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ subjectId: id, details: { target: 'Council website' } });

    // A second retract is refused with the reason, and changes nothing.
    expect(await callError(h.core, 'queue.retract', { deliveryId: id })).toMatchObject({
      code: 'conflict',
      message: 'This delivery was already removed from the channel.',
    });
  });

  it('refuses to retract what is not delivered, from a channel that cannot, or when the channel refuses', async () => {
    const h = await open();
    const sink = await h.target();
    const scheduled = await h.publish([sink], { title: 'Later', scheduledAt: '2099-01-01T09:00:00+00:00' });
    expect(await callError(h.core, 'queue.retract', { deliveryId: scheduled.deliveries[0]?.id ?? '' })).toMatchObject({
      code: 'conflict',
      message: 'This delivery is scheduled for later. Only a delivered update can be removed from a channel.',
    });
    const sent = await h.publish([sink], { title: 'Sent' });
    const worker = await h.worker();
    worker.start();
    await h.waitFor(sent.deliveries[0]?.id ?? '', 'delivered');
    expect(await callError(h.core, 'queue.retract', { deliveryId: sent.deliveries[0]?.id ?? '' })).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('this kind of channel does not support it'),
    });

    // The static site's folder is gone when retracting: the channel's own error, and nothing recorded.
    const folder = join(h.scope.tempDir(), 'site');
    mkdirSync(folder);
    const site = await h.target('website.static', 'Council website', {
      folder,
      siteUrl: 'http://localhost:8080/news',
      siteTitle: 'Borsetshire Council',
    });
    const page = await h.publish([site], { title: 'Gone soon' });
    const id = page.deliveries[0]?.id ?? '';
    await h.waitFor(id, 'delivered');
    await worker.stop();
    await callOk(h.core, 'channels.updateSettings', {
      targetId: site.id,
      name: 'Council website',
      settings: { ...site.settings, folder: join(folder, 'missing') },
    });
    const refused = await callError(h.core, 'queue.retract', { deliveryId: id });
    expect(refused.code).toBe('conflict');
    expect(refused.message).toMatch(/^Council website could not remove it: .+ Nothing was changed in Town Crier/);
    expect((await h.delivery(id)).retractedAt).toBeNull();
  });

  it('keeps each channel card’s status: not tested, connected, needs reconnecting (test or refused delivery)', async () => {
    const h = await open();
    const target = await callOk(h.core, 'channels.create', {
      kind: 'test.sink-secret',
      name: 'Tokened',
      settings: { url: h.sink.url },
      secrets: { token: 'first-token' },
    });
    const card = async () => (await callOk(h.core, 'channels.list', {})).find((t) => t.id === target.id)?.health;
    expect(await card()).toMatchObject({ state: 'not_tested', lastTestedAt: null, waitingForReconnect: 0 });
    expect(await callOk(h.core, 'channels.test', { targetId: target.id })).toEqual({ ok: true, account: null });
    expect(await card()).toMatchObject({ state: 'connected', nextStep: null, lastTestedAt: expect.any(String) });

    // A delivery refused for its sign-in: needs reconnecting, with the next step.
    h.sink.behave(() => ({ kind: 'status', status: 401, body: '{"error":"Token revoked"}' }));
    const publication = await h.publish([target]);
    const worker = await h.worker();
    worker.start();
    await h.waitFor(publication.deliveries[0]?.id ?? '', 'needs_reauth');
    await worker.stop();
    expect(await card()).toMatchObject({
      state: 'needs_reconnecting',
      waitingForReconnect: 1,
      nextStep:
        'Choose Replace credentials, then Test connection, then Retry the deliveries waiting for it on the Queue page.',
    });
    // New credentials: the refusal before them no longer counts; it is untested until tested.
    await callOk(h.core, 'channels.setSecrets', { targetId: target.id, secrets: { token: 'second-token' } });
    expect(await card()).toMatchObject({ state: 'not_tested', waitingForReconnect: 1 });
    await callOk(h.core, 'channels.test', { targetId: target.id });
    expect(await card()).toMatchObject({
      state: 'connected',
      nextStep: 'Retry the delivery waiting for it on the Queue page.',
    });

    // A failed test (nothing listening) also needs reconnecting, with the test's own message.
    await h.sink.stop();
    const failed = await callOk(h.core, 'channels.test', { targetId: target.id });
    expect(failed.ok).toBe(false);
    expect(await card()).toMatchObject({
      state: 'needs_reconnecting',
      reason: expect.stringMatching(/^The last Test connection failed: /),
    });
    const audit = await callOk(h.core, 'audit.list', { action: 'channel.tested' });
    expect(audit.items.map((e) => e.details.ok)).toEqual([false, true, true]);

    // Disconnected (its delivery keeps it for the history): gone from the list, shown as such when asked.
    await callOk(h.core, 'channels.remove', { targetId: target.id });
    expect((await callOk(h.core, 'channels.list', {})).map((t) => t.id)).not.toContain(target.id);
    const all = await callOk(h.core, 'channels.list', { includeDisconnected: true });
    expect(all.find((t) => t.id === target.id)?.health).toMatchObject({
      state: 'disconnected',
      nextStep: 'To publish to it again, connect it again with Connect a channel.',
    });
  });

  it('edits a channel’s settings: checked by the adapter, audited, refused while sending, approvals unaffected', async () => {
    const h = await open();
    const target = await h.target(SINK_KIND, 'Sink', { url: h.sink.url });
    const bad = await callError(h.core, 'channels.updateSettings', {
      targetId: target.id,
      name: 'Sink',
      settings: { url: 'ftp://example.org' },
    });
    expect(bad).toMatchObject({ code: 'invalid_input', field: 'settings.url' });
    const author = await colleague(h.core, ['author'], { name: 'Sam Author' });
    expect(
      await callError(author, 'channels.updateSettings', { targetId: target.id, name: 'X', settings: target.settings }),
    ).toMatchObject({ code: 'forbidden' });

    const changed = await callOk(h.core, 'channels.updateSettings', {
      targetId: target.id,
      name: 'Renamed sink',
      settings: { url: h.sink.url, timeoutMs: 3000 },
    });
    expect(changed).toMatchObject({ name: 'Renamed sink', settings: { url: h.sink.url, timeoutMs: 3000 } });
    const audit = await callOk(h.core, 'audit.list', { action: 'channel.settings_changed' });
    expect(audit.items[0]?.details).toMatchObject({
      before: { name: 'Sink', settings: { timeoutMs: 5000 } },
      after: { name: 'Renamed sink', settings: { timeoutMs: 3000 } },
    });

    // While a delivery to it is being sent, its settings cannot change.
    h.sink.behave(() => ({ kind: 'ok' }));
    const publication = await h.publish([changed]);
    const id = publication.deliveries[0]?.id ?? '';
    await h.db.run(`UPDATE deliveries SET status = 'sending', lease_owner = 'w', lease_expires_at = $1 WHERE id = $2`, [
      '2099-01-01T00:00:00.000Z',
      id,
    ]);
    const refused = await callError(h.core, 'channels.updateSettings', {
      targetId: target.id,
      name: 'Renamed sink',
      settings: { url: h.sink.url, timeoutMs: 4000 },
    });
    expect(refused).toMatchObject({ code: 'conflict' });
    expect(refused.message).toMatch(/^Renamed sink is sending a delivery right now with its current settings/);

    // Channel settings say where to publish, not what: an update approved before a change still publishes after it.
    await h.db.run(
      `UPDATE deliveries SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL WHERE id = $1`,
      [id],
    );
    const update = await callOk(h.core, 'updates.create', { title: 'Approved before', summary: 'From Monday' });
    await approveCurrent(h.core, update.id);
    await callOk(h.core, 'channels.updateSettings', {
      targetId: target.id,
      name: 'Renamed sink',
      settings: { url: h.sink.url, timeoutMs: 4000 },
    });
    const again = await callOk(h.core, 'queue.publish', { updateId: update.id, targetIds: [target.id] });
    expect(again.authorisation).toBe('approved');
  });
});
