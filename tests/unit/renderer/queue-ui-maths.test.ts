import { describe, expect, it } from 'vitest';
import { isWaitingForWebsite } from '../../../renderer/src/features/queue/waiting.ts';
import { needsMore, windowRange } from '../../../renderer/src/features/queue/window-range.ts';
import { londonToUtc } from '../../../renderer/src/features/publish/london-time.ts';
import { settingsFields, settingsValues } from '../../../renderer/src/features/channels/settings-fields.ts';
import { parseRoute, hrefFor } from '../../../renderer/src/router.ts';

describe('windowed list', () => {
  it('draws only the rows in view plus the overscan, with the space above them', () => {
    const r = windowRange({ scrollTop: 76 * 5000, viewportHeight: 600, rowHeight: 76, count: 10_000, overscan: 5 });
    expect(r).toEqual({ start: 4995, end: 5014, offsetTop: 4995 * 76, totalHeight: 760_000 });
    expect(r.end - r.start).toBeLessThan(25);
  });
  it('clamps at both ends and handles an empty list', () => {
    expect(windowRange({ scrollTop: -50, viewportHeight: 600, rowHeight: 76, count: 3 })).toEqual({
      start: 0,
      end: 3,
      offsetTop: 0,
      totalHeight: 228,
    });
    const last = windowRange({ scrollTop: 10 ** 9, viewportHeight: 600, rowHeight: 76, count: 10_000 });
    expect(last.end).toBe(10_000);
    expect(last.offsetTop + (last.end - last.start) * 76).toBe(last.totalHeight);
    expect(windowRange({ scrollTop: 0, viewportHeight: 600, rowHeight: 76, count: 0 })).toEqual({
      start: 0,
      end: 0,
      offsetTop: 0,
      totalHeight: 0,
    });
  });
  it('asks for the next page as the drawn rows near the end of what is loaded', () => {
    const loaded = 200;
    expect(needsMore(windowRange({ scrollTop: 0, viewportHeight: 600, rowHeight: 76, count: loaded }), loaded)).toBe(
      false,
    );
    expect(
      needsMore(windowRange({ scrollTop: 76 * 180, viewportHeight: 600, rowHeight: 76, count: loaded }), loaded),
    ).toBe(true);
  });
});

describe('scheduling in UK time', () => {
  it('stores winter times as GMT and summer times as BST, in UTC', () => {
    expect(londonToUtc('2026-11-25', '07:00')).toEqual({ iso: '2026-11-25T07:00:00.000Z' });
    expect(londonToUtc('2026-07-01', '07:00')).toEqual({ iso: '2026-07-01T06:00:00.000Z' });
  });
  it('refuses a time the clocks skip, and takes BST for the repeated hour', () => {
    expect(londonToUtc('2026-03-29', '01:30')).toHaveProperty('error', expect.stringContaining('clocks go forward'));
    expect(londonToUtc('2026-10-25', '01:30')).toEqual({ iso: '2026-10-25T00:30:00.000Z' });
    expect(londonToUtc('', '07:00')).toEqual({ error: 'Enter a date and a time.' });
  });
});

describe('connect-a-channel form from a settings schema', () => {
  const schema = {
    type: 'object',
    properties: {
      folder: { type: 'string' },
      siteUrl: { type: 'string', format: 'uri' },
      siteTitle: { type: 'string', description: 'Shown at the top of every page' },
      timeoutMs: { type: 'integer', default: 5000 },
    },
    required: ['folder', 'siteUrl'],
  };
  it('makes one labelled input per setting, with its kind and whether it is required', () => {
    expect(settingsFields(schema)).toEqual([
      { name: 'folder', label: 'Folder', hint: undefined, type: 'text', required: true, defaultValue: undefined },
      { name: 'siteUrl', label: 'Site URL', hint: undefined, type: 'url', required: true, defaultValue: undefined },
      {
        name: 'siteTitle',
        label: 'Site title',
        hint: 'Shown at the top of every page',
        type: 'text',
        required: false,
        defaultValue: undefined,
      },
      { name: 'timeoutMs', label: 'Timeout ms', hint: undefined, type: 'number', required: false, defaultValue: 5000 },
    ]);
  });
  it('names each missing or wrong field, and leaves empty optional ones to the adapter', () => {
    const fields = settingsFields(schema);
    expect(settingsValues(fields, { folder: ' /srv/site ', timeoutMs: 'soon' })).toEqual({
      values: { folder: '/srv/site' },
      errors: { siteUrl: 'Enter site url', timeoutMs: 'Timeout ms must be a number' },
    });
  });
});

describe('queue routes', () => {
  it('round-trips the queue, a publication and the channels page', () => {
    const id = '0b8f2a1e-5f4e-4b8a-9d61-0c9f1e2d3a4b';
    expect(parseRoute(hrefFor({ page: 'queue' }))).toEqual({ page: 'queue' });
    expect(parseRoute(hrefFor({ page: 'publication', id }))).toEqual({ page: 'publication', id });
    expect(parseRoute(hrefFor({ page: 'channels' }))).toEqual({ page: 'channels' });
  });
});

describe('waiting for the website', () => {
  const base = {
    publicationId: '0b8f2a1e-5f4e-4b8a-9d61-0c9f1e2d3a4b',
    attempts: 0,
    externalUrl: null,
  } as const;
  const make = (id: string, status: string, dependsOnDeliveryId: string | null) =>
    ({ ...base, id, status, dependsOnDeliveryId }) as unknown as Parameters<typeof isWaitingForWebsite>[0];
  const website = (status: string) => make('11111111-1111-4111-8111-111111111111', status, null);
  const social = make('22222222-2222-4222-8222-222222222222', 'queued', '11111111-1111-4111-8111-111111111111');

  it('says a queued channel waits while its website delivery has not gone out', () => {
    expect(isWaitingForWebsite(social, [website('queued'), social])).toBe(true);
    expect(isWaitingForWebsite(social, [website('failed'), social])).toBe(true);
  });
  it('stops waiting once the website is delivered or cancelled, and never for the website itself', () => {
    expect(isWaitingForWebsite(social, [website('delivered'), social])).toBe(false);
    expect(isWaitingForWebsite(social, [website('cancelled'), social])).toBe(false);
    expect(isWaitingForWebsite(website('queued'), [website('queued'), social])).toBe(false);
  });
});
