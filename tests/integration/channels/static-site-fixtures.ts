import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Doc } from '../../../shared/content/doc.ts';
import type { Variants } from '../../../shared/domain/variants.ts';
import type { ChannelMedia, PublishContext, RemoteRef, RenderSource } from '../../../electron/core/channels/adapter.ts';
import { createStaticSiteAdapter } from '../../../electron/core/channels/static-site/static-site-adapter.ts';
import {
  StaticSiteSettings,
  type StaticSiteSettings as Settings,
} from '../../../electron/core/channels/static-site/settings.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { makePng } from '../../support/images.ts';

/** Builders for driving the static-site adapter directly, as the worker does. */

export const adapter = createStaticSiteAdapter();

/** A throwaway folder (and a sibling "outside" folder) removed after the test. */
export function tempFolders(): { root: string; site: string; outside: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'town-crier-static-'));
  const site = join(root, 'site');
  const outside = join(root, 'outside');
  return { root, site, outside, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

export function settingsFor(folder: string, extra: Partial<Settings> = {}): Settings {
  return StaticSiteSettings.parse({
    folder,
    siteUrl: 'https://news.example.gov.uk',
    siteTitle: 'Borsetshire Council',
    ...extra,
  });
}

export const PNG = makePng(320, 160, [46, 125, 50]);
export const PNG_ID = createHash('sha256').update(PNG).digest('hex');

/** A body with a heading, a paragraph and an image with alt text. */
export function bodyWithImage(text = 'Green bins are collected on Tuesdays.'): Doc {
  return {
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'What changes' }] },
      { type: 'paragraph', content: [{ type: 'text', text }] },
      { type: 'image', attrs: { src: `media:${PNG_ID}`, alt: 'A green wheelie bin at the kerb' } },
    ],
  };
}

export function source(overrides: Partial<RenderSource> & { variants?: Variants } = {}): RenderSource {
  const body = overrides.body ?? bodyWithImage();
  return {
    updateId: 'update-1',
    revision: 1,
    contentHash: 'hash-1',
    title: 'Bin collections change',
    summary: 'From Monday green bins go out on Tuesdays.',
    body,
    bodyHtml: '',
    bodyText: '',
    channels: ['website'],
    variants: {},
    ...overrides,
  };
}

/** A fixed clock the test can move. */
export function clock(startIso = '2026-07-01T09:00:00.000Z') {
  let time = Date.parse(startIso);
  return { now: () => new Date(time), advance: (ms: number) => void (time += ms) };
}

export function publishContext(
  settings: Settings,
  src: RenderSource,
  options: { now?: () => Date; key?: string; media?: ChannelMedia[] } = {},
): PublishContext<Settings> {
  const media = new Map((options.media ?? [{ id: PNG_ID, type: 'image/png', bytes: PNG }]).map((m) => [m.id, m]));
  return {
    target: { id: 'target-1', name: 'Council news site' },
    settings,
    credentials: async () => undefined,
    fetch: () => Promise.reject(new Error('The static site never uses the network')),
    logger: createLogger('test', () => undefined),
    now: options.now ?? (() => new Date('2026-07-01T09:00:00.000Z')),
    signal: new AbortController().signal,
    delivery: { id: 'delivery-1', attempt: 1, idempotencyKey: options.key ?? 'key-1' },
    source: src,
    media: async (id) => media.get(id),
  };
}

/** Renders and publishes, as the worker's send job does. */
export async function publish(
  settings: Settings,
  src: RenderSource,
  options: Parameters<typeof publishContext>[2] = {},
) {
  return adapter.publish(adapter.render(src), publishContext(settings, src, options));
}

export function ref(externalId: string | null, idempotencyKey = 'key-1'): RemoteRef {
  return { deliveryId: 'delivery-1', idempotencyKey, externalId };
}
