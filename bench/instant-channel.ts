import { z } from 'zod';
import type { ChannelAdapter } from '../electron/core/channels/adapter.ts';

/**
 * A channel that answers at once, for the queue benchmark (`npm run bench --
 * queue`): what is measured is the worker and the store, not a platform.
 * Loaded into the headless worker with `--channels-module`. Its limits are
 * set far above what one worker can do, so neither the per-target
 * concurrency nor the token bucket is what the benchmark measures.
 */
export const INSTANT_KIND = 'bench.instant';

const instant: ChannelAdapter<Record<string, never>> = {
  kind: INSTANT_KIND,
  displayName: 'Benchmark (answers at once)',
  settingsSchema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  limits: { contentKind: null },
  sendLimits: { concurrency: 8, burst: 1_000_000, perSecond: 1_000_000 },
  idempotent: false,
  render: (source) => ({ title: source.title, text: source.bodyText, html: source.bodyHtml }),
  test: async () => ({ ok: true }),
  publish: async (_post, ctx) => ({
    externalId: ctx.delivery.idempotencyKey,
    externalUrl: `https://bench.invalid/p/${ctx.delivery.idempotencyKey}`,
  }),
};

export const channelAdapters: readonly ChannelAdapter[] = [instant as ChannelAdapter];
