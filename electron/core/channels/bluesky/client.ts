import { createHash } from 'node:crypto';
import { Agent, CredentialSession, type AtpSessionData } from '@atproto/api';
import { ChannelError, type ChannelContext } from '../adapter.ts';
import { BLUESKY, classifyBlueskyError, isAuthFailure, type CallKind } from './errors.ts';
import { APP_PASSWORD_SECRET, type BlueskySettings } from './settings.ts';

/**
 * Signing in to Bluesky and making calls with @atproto/api. createSession is
 * itself rate limited (30 per 5 minutes, 300 a day per account), so a
 * session is made once per target and kept in this worker's memory: its
 * access token is refreshed with the refresh token when the PDS says it has
 * expired (the library does this on `ExpiredToken` and repeats the call),
 * and only when the refresh token is no good either does the adapter sign in
 * again with the app password. The tokens and the password never reach a log.
 */

export type BlueskyContext = ChannelContext<BlueskySettings>;

type CachedSession = { data: AtpSessionData; pdsUrl: string | undefined };

/** Sessions by target, bounded so many reconnected targets cannot grow it for ever. */
export type SessionCache = Map<string, CachedSession>;

const MAX_SESSIONS = 200;

export function createSessionCache(): SessionCache {
  return new Map();
}

export type BlueskyClient = {
  agent: Agent;
  did: string;
  handle: string;
  /**
   * Runs one call, classified. If the PDS refuses the session (a refresh
   * token that expired or was revoked), it signs in again with the app
   * password once and repeats the call: safe, because a refused call did
   * nothing, and every post has its own fixed record key.
   */
  call<T>(kind: CallKind, work: (agent: Agent) => Promise<T>): Promise<T>;
};

/** fetch with this call's limits: the worker's stop signal and the channel's time-out. */
function timedFetch(ctx: BlueskyContext): typeof fetch {
  return (input, init) => {
    const signals = [ctx.signal, AbortSignal.timeout(ctx.settings.timeoutMs)];
    if (init?.signal) signals.push(init.signal);
    return ctx.fetch(input, { ...init, signal: AbortSignal.any(signals) });
  };
}

/** The cache key: the target and everything that signs in, so a reconnect (a new app password) starts afresh. */
function cacheKey(ctx: BlueskyContext, password: string): string {
  const secret = createHash('sha256').update(password).digest('hex');
  return [ctx.target.id, ctx.settings.serviceUrl, ctx.settings.handle, secret].join('\n');
}

function remember(cache: SessionCache, key: string, value: CachedSession): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > MAX_SESSIONS) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
}

/** Runs `work` with a signed-in client for this target; every failure comes out as a classified ChannelError. */
export async function withBluesky<T>(
  ctx: BlueskyContext,
  cache: SessionCache,
  work: (client: BlueskyClient) => Promise<T>,
): Promise<T> {
  const password = await ctx.credentials(APP_PASSWORD_SECRET);
  if (!password) {
    throw ChannelError.auth(
      `No ${BLUESKY} app password is stored for "${ctx.target.name}". Reconnect the channel with an app password.`,
    );
  }
  if (ctx.signal.aborted) throw ChannelError.offline(`Town Crier is stopping; nothing was sent to ${BLUESKY}.`);
  const key = cacheKey(ctx, password);
  const session = new CredentialSession(new URL(ctx.settings.serviceUrl), timedFetch(ctx), (event, data) => {
    // Called on create, refresh and expiry: the cache follows the library's own view of the session.
    if (data && (event === 'create' || event === 'update')) {
      remember(cache, key, { data, pdsUrl: session.pdsUrl?.href });
    } else if (event === 'expired' || event === 'create-failed' || event === 'network-error') {
      if (event !== 'network-error') cache.delete(key);
    }
  });
  const nowMs = () => ctx.now().getTime();
  const signIn = async () => {
    try {
      await session.login({ identifier: ctx.settings.handle, password });
    } catch (error) {
      throw classifyBlueskyError(error, { creates: false, signIn: true }, nowMs());
    }
    ctx.logger.info('Signed in to Bluesky', { target: ctx.target.id });
  };
  const cached = cache.get(key);
  let fromCache = cached !== undefined;
  if (cached) {
    session.session = cached.data;
    if (cached.pdsUrl) session.pdsUrl = new URL(cached.pdsUrl);
  } else {
    await signIn();
  }
  const agent = new Agent(session);
  const current = () => {
    const data = session.session;
    if (!data) throw ChannelError.auth(`${BLUESKY} ended the session. Reconnect the channel.`);
    return data;
  };
  const client: BlueskyClient = {
    agent,
    get did() {
      return current().did;
    },
    get handle() {
      return current().handle;
    },
    async call(kind, run) {
      try {
        return await run(agent);
      } catch (error) {
        if (!(fromCache && isAuthFailure(error))) throw classifyBlueskyError(error, kind, nowMs());
      }
      // The saved session is no good any more: sign in once with the app password, then try again.
      fromCache = false;
      cache.delete(key);
      await signIn();
      try {
        return await run(agent);
      } catch (error) {
        throw classifyBlueskyError(error, kind, nowMs());
      }
    },
  };
  return work(client);
}
