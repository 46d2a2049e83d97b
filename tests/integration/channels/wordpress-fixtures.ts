import { createHash, randomUUID } from 'node:crypto';
import type { Doc } from '../../../shared/content/doc.ts';
import type {
  ChannelContext,
  ChannelMedia,
  DeliveryProgress,
  PublishContext,
  RemoteRef,
  RenderSource,
} from '../../../electron/core/channels/adapter.ts';
import { WordPressSettings } from '../../../electron/core/channels/wordpress/settings.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { makePng } from '../../support/images.ts';
import type { WordPressSite, WordPressUser } from '../../support/wordpress.ts';

/** Builders for driving the WordPress adapter directly, as the worker does, against the test site. */

export const PNG = makePng(320, 160, [46, 125, 50]);
export const PNG_ID = createHash('sha256').update(PNG).digest('hex');
export const PNG_2 = makePng(200, 100, [21, 101, 192]);
export const PNG_2_ID = createHash('sha256').update(PNG_2).digest('hex');
export const MEDIA: ChannelMedia[] = [
  { id: PNG_ID, type: 'image/png', bytes: PNG },
  { id: PNG_2_ID, type: 'image/png', bytes: PNG_2 },
];

const text = (value: string) => ({ type: 'text' as const, text: value });

/** A body with what a council article has: a heading, a link, a list, a quote and two images with alt text. */
export function richBody(): Doc {
  return {
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 2 }, content: [text('What changes')] },
      {
        type: 'paragraph',
        content: [
          text('Green bins are collected on Tuesdays. '),
          {
            type: 'text',
            text: 'See the calendar',
            marks: [{ type: 'link', attrs: { href: 'https://example.gov.uk/bins' } }],
          },
          text('.'),
        ],
      },
      { type: 'image', attrs: { src: `media:${PNG_ID}`, alt: 'A green wheelie bin at the kerb' } },
      {
        type: 'bulletList',
        content: [
          { type: 'listItem', content: [{ type: 'paragraph', content: [text('Garden waste')] }] },
          { type: 'listItem', content: [{ type: 'paragraph', content: [text('Food waste')] }] },
        ],
      },
      {
        type: 'blockquote',
        content: [{ type: 'paragraph', content: [text('It will save 400 tonnes of CO₂ a year.')] }],
      },
      { type: 'image', attrs: { src: `media:${PNG_2_ID}`, alt: 'The new collection calendar' } },
    ],
  };
}

export function plainBody(value = 'The library reopens on Monday at 9am.'): Doc {
  return { type: 'doc', content: [{ type: 'paragraph', content: [text(value)] }] };
}

/** An update's saved version; each call is a different update unless `updateId` is given. */
export function source(overrides: Partial<RenderSource> = {}): RenderSource {
  return {
    updateId: randomUUID(),
    revision: 1,
    contentHash: 'hash-1',
    title: 'Bin collections change',
    summary: 'From Monday green bins go out on Tuesdays.',
    body: richBody(),
    bodyHtml: '',
    bodyText: '',
    channels: ['website'],
    variants: {},
    ...overrides,
  };
}

export function settingsFor(site: WordPressSite, user: WordPressUser, extra: Record<string, unknown> = {}) {
  return WordPressSettings.parse({ siteUrl: site.url, username: user.username, timeoutMs: 10_000, ...extra });
}

/** A delivery's progress kept in memory, as the worker keeps it in the delivery row. */
export function memoryProgress(): DeliveryProgress & { value: unknown } {
  const store = {
    value: null as unknown,
    get: async () => store.value,
    set: async (value: unknown) => void (store.value = JSON.parse(JSON.stringify(value)) as unknown),
  };
  return store;
}

export function channelContext(
  settings: WordPressSettings,
  password: string | undefined,
  options: { fetch?: typeof fetch } = {},
): ChannelContext<WordPressSettings> {
  return {
    target: { id: 'target-1', name: 'Council website' },
    settings,
    credentials: async (name) => (name === 'app_password' ? password : undefined),
    fetch: options.fetch ?? fetch,
    logger: createLogger('test', () => undefined),
    now: () => new Date(),
    signal: new AbortController().signal,
  };
}

export function publishContext(
  settings: WordPressSettings,
  password: string | undefined,
  src: RenderSource,
  options: { fetch?: typeof fetch; key?: string; attempt?: number; progress?: DeliveryProgress } = {},
): PublishContext<WordPressSettings> {
  const media = new Map(MEDIA.map((m) => [m.id, m]));
  return {
    ...channelContext(settings, password, options),
    delivery: { id: 'delivery-1', attempt: options.attempt ?? 1, idempotencyKey: options.key ?? 'key-1' },
    source: src,
    media: async (id) => media.get(id),
    ...(options.progress ? { progress: options.progress } : {}),
  };
}

export function ref(externalId: string | null, idempotencyKey: string): RemoteRef {
  return { deliveryId: 'delivery-1', idempotencyKey, externalId };
}

/** Reads through WordPress's own REST API, as the author (context=edit shows raw fields and drafts). */
export function restReader(site: WordPressSite, user: WordPressUser) {
  const authorization = `Basic ${Buffer.from(`${user.username}:${user.appPassword}`).toString('base64')}`;
  return async function rest<T = Record<string, unknown>>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await fetch(`${site.url}/wp-json/wp/v2${path}`, {
      ...init,
      headers: { authorization, ...(init.headers as Record<string, string> | undefined) },
    });
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
}

/** A fetch that lets WordPress do the request, then loses its answer (the connection "drops") when `drop` says so. */
export function droppingFetch(drop: (url: string, init: RequestInit | undefined) => boolean): typeof fetch & {
  dropped: number;
} {
  const wrapped = Object.assign(
    async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const response = await fetch(input, init);
      if (!drop(url, init)) return response;
      await response.arrayBuffer();
      wrapped.dropped++;
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      });
    },
    { dropped: 0 },
  );
  return wrapped;
}

export const isCreatePost = (url: string, init: RequestInit | undefined) =>
  init?.method === 'POST' && new URL(url).pathname === '/wp-json/wp/v2/posts';
