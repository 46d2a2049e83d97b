import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { ChannelAdapter } from '../core/channels/adapter.ts';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry, type ChannelRegistry } from '../core/channels/registry.ts';

const isAdapter = (value: unknown): value is ChannelAdapter =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { kind?: unknown }).kind === 'string' &&
  typeof (value as { publish?: unknown }).publish === 'function';

const ChannelModule = z.object({ channelAdapters: z.array(z.custom<ChannelAdapter>(isAdapter)) });

/**
 * Adapters from `--channels-module` files: extra channels, and the test
 * channel the end-to-end tests load into the web host (as the integration
 * tests do into `npm run worker`).
 */
export async function loadChannelModules(paths: readonly string[]): Promise<ChannelAdapter[]> {
  const adapters: ChannelAdapter[] = [];
  for (const path of paths) {
    const loaded = ChannelModule.safeParse(await import(pathToFileURL(resolve(path)).href));
    if (!loaded.success) throw new Error(`${path} does not export channelAdapters (a list of channel adapters)`);
    adapters.push(...loaded.data.channelAdapters);
  }
  return adapters;
}

/** The built-in channels plus those of `--channels-module` files: every Node host and the worker thread build this. */
export async function hostChannelRegistry(modules: readonly string[]): Promise<ChannelRegistry> {
  return createChannelRegistry([...BUILT_IN_CHANNEL_ADAPTERS, ...(await loadChannelModules(modules))]);
}
