import type { ChannelKind } from '../../shared/channels/kinds.ts';
import { z } from 'zod';
import { ChannelError, type ChannelAdapter, type ChannelContext } from '../../electron/core/channels/adapter.ts';
import { classifyFetchError, classifyHttpStatus } from '../../electron/core/channels/http-errors.ts';

/**
 * A real channel adapter for the integration tests: it POSTs each update to
 * the HTTP sink the test started (tests/support/http-sink-server.ts) and
 * classifies what comes back exactly as a production adapter must. The
 * headless worker loads this module with `--channels-module`, so the tests
 * drive `npm run worker` through it too.
 */

export const SinkSettings = z.object({
  url: z.url({ protocol: /^http$/ }),
  timeoutMs: z.number().int().positive().default(5000),
});
export type SinkSettings = z.infer<typeof SinkSettings>;

const SinkAnswer = z.object({ id: z.string(), url: z.string() });

const CHANNEL = 'The test sink';

export type HttpSinkOptions = {
  kind: string;
  /** Sends an Idempotency-Key, so a repeat of the same delivery is harmless. */
  idempotent?: boolean;
  /** Can look a post up by its key, to settle unknown outcomes without a person. */
  lookup?: boolean;
  concurrency?: number;
  burst?: number;
  perSecond?: number;
  /** Whose content rules this sink's posts follow (so the pre-send check measures them like that channel). */
  contentKind?: ChannelKind;
  displayName?: string;
};

async function request(ctx: ChannelContext<SinkSettings>, path: string, init: RequestInit): Promise<Response> {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.settings.timeoutMs)]);
  const token = await ctx.credentials('token');
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  try {
    return await ctx.fetch(new URL(path, ctx.settings.url), { ...init, headers, signal });
  } catch (error) {
    throw classifyFetchError(error, CHANNEL);
  }
}

async function reasonOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = z.object({ error: z.string() }).safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.error : text;
  } catch {
    return text;
  }
}

/** A sink adapter of the given kind; tests register one or more, with different promises. */
export function createHttpSinkAdapter(options: HttpSinkOptions): ChannelAdapter<SinkSettings> {
  const idempotent = options.idempotent ?? false;
  const adapter: ChannelAdapter<SinkSettings> = {
    kind: options.kind,
    displayName: options.displayName ?? 'Test sink',
    settingsSchema: SinkSettings,
    limits: { contentKind: options.contentKind ?? null },
    sendLimits: {
      concurrency: options.concurrency ?? 4,
      burst: options.burst ?? 100,
      perSecond: options.perSecond ?? 1000,
    },
    idempotent,
    render: (source) => ({
      title: source.title,
      // Like a social post, the sink's text ends with the website article's address when there is one.
      text: source.websiteUrl ? `${source.bodyText}\n\n${source.websiteUrl}` : source.bodyText,
      html: source.bodyHtml,
    }),
    async test(ctx) {
      const response = await request(ctx, '/health', { method: 'GET' });
      return response.ok ? { ok: true } : { ok: false, message: `${CHANNEL} answered HTTP ${response.status}` };
    },
    async publish(post, ctx) {
      const response = await request(ctx, '/posts', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-delivery-key': ctx.delivery.idempotencyKey,
          ...(idempotent ? { 'idempotency-key': ctx.delivery.idempotencyKey } : {}),
        },
        body: JSON.stringify({ deliveryId: ctx.delivery.id, title: post.title, text: post.text }),
      });
      if (!response.ok) {
        throw classifyHttpStatus(
          response.status,
          response.headers,
          await reasonOf(response),
          CHANNEL,
          ctx.now().getTime(),
        );
      }
      let answer: z.infer<typeof SinkAnswer>;
      try {
        answer = SinkAnswer.parse(await response.json());
      } catch (error) {
        throw ChannelError.unknownOutcome(`${CHANNEL} accepted the update but its answer could not be read.`, {
          cause: error,
        });
      }
      return { externalId: answer.id, externalUrl: answer.url };
    },
  };
  if (options.lookup) {
    adapter.lookup = async (ref, ctx) => {
      const response = await request(ctx, `/posts/by-key/${encodeURIComponent(ref.idempotencyKey)}`, { method: 'GET' });
      if (response.status === 404) return { state: 'absent' };
      if (!response.ok) {
        throw classifyHttpStatus(
          response.status,
          response.headers,
          await reasonOf(response),
          CHANNEL,
          ctx.now().getTime(),
        );
      }
      const answer = SinkAnswer.parse(await response.json());
      return { state: 'published', externalId: answer.id, externalUrl: answer.url };
    };
  }
  return adapter;
}

export const SINK_KIND = 'test.sink';
export const IDEMPOTENT_SINK_KIND = 'test.sink-idempotent';
export const LOOKUP_SINK_KIND = 'test.sink-lookup';
/** A sink whose posts follow X's rules (280 weighted characters). */
export const X_RULES_SINK_KIND = 'test.sink-x';

/** What `--channels-module` loads: a plain sink, one that ignores repeats, and one that can look posts up. */
export const channelAdapters: readonly ChannelAdapter[] = [
  createHttpSinkAdapter({ kind: SINK_KIND }),
  createHttpSinkAdapter({ kind: IDEMPOTENT_SINK_KIND, idempotent: true }),
  createHttpSinkAdapter({ kind: LOOKUP_SINK_KIND, lookup: true }),
  createHttpSinkAdapter({ kind: X_RULES_SINK_KIND, contentKind: 'x', displayName: 'Test sink (X rules)' }),
];
