import type { Logger } from '../../logging/logger.ts';
import type { Recipient, RecipientResult, RecipientStore } from './recipient-store.ts';
import { SmtpError, type SmtpConnection, type SmtpReply } from './smtp-client.ts';

/**
 * One pass of the email fan-out over a delivery's due recipients.
 *
 * - Recipients stream from the store a page at a time (keyset), so memory
 *   holds a page, one message per connection and the results not yet written.
 * - Each of `maxConnections` lanes keeps one pipelined SMTP connection and
 *   sends MAIL/RCPT/DATA and the message, then asks for a claim. Claims and
 *   results are written together in one transaction for every lane waiting
 *   (group commit), and only then is the final "." sent. So a lane's
 *   previous result is always written before its next message can complete:
 *   after a crash at most one recipient per connection is `sending`, which the
 *   next run marks `unconfirmed`, and nobody recorded as accepted is sent again.
 * - A claim refused (another run has the recipient, or they unsubscribed since
 *   the snapshot) drops the connection before the ".", so nothing is delivered.
 */

export type PassOutcome =
  | { kind: 'finished' }
  | { kind: 'relay_down'; message: string }
  | { kind: 'auth'; message: string }
  | { kind: 'refused_settings'; message: string }
  | { kind: 'paused'; message: string }
  | { kind: 'cancelled' }
  | { kind: 'stopped' };

export type FanoutOptions = {
  deliveryId: string;
  store: RecipientStore;
  connect: () => Promise<SmtpConnection>;
  envelopeFrom: string;
  build: (recipient: Recipient) => Buffer | Promise<Buffer>;
  maxConnections: number;
  perSecond: number;
  now: () => Date;
  /** Deferred (4xx) recipients wait this long, doubling per deferral, up to `deferMaxMs`. */
  deferBaseMs: number;
  deferMaxMs: number;
  /** After this many 4xx answers a recipient is rejected ("gave up"). */
  maxDeferrals: number;
  /** Pause the send when at least this share of the last `window` results failed. */
  errorRate: { threshold: number; window: number };
  /** True when the send should stop now (the worker is stopping, the call was aborted). */
  shouldStop: () => boolean;
  logger: Logger;
  pageSize?: number;
  /** How often the send's state (paused, cancelled by a person) is read. */
  stateCheckMs?: number;
  /** Told that results were recorded: at most once per `progressMs` (500 ms), and once at the end of the pass. */
  onProgress?: () => void;
  progressMs?: number;
};

type Claim = { id: string; resolve: (claimed: boolean) => void; reject: (error: unknown) => void };

function describe(reply: SmtpReply): string {
  return `${reply.code} ${reply.text}`.slice(0, 500);
}

export async function runFanoutPass(o: FanoutOptions): Promise<PassOutcome> {
  const pageSize = o.pageSize ?? 1000;
  let stop: PassOutcome | null = null;
  const halt = (outcome: PassOutcome) => {
    stop ??= outcome;
  };

  // ── the feeder: due recipients by keyset, one page ahead ──
  let afterId = '';
  let exhausted = false;
  let page: Recipient[] = [];
  let index = 0;
  const retry: Recipient[] = [];
  let loading: Promise<void> | null = null;
  const load = () =>
    (loading ??= (async () => {
      const next = await o.store.due(o.deliveryId, afterId, pageSize, o.now().toISOString());
      if (next.length < pageSize) exhausted = true;
      if (next.length > 0) afterId = next.at(-1)?.subscriberId ?? afterId;
      page = [...page.slice(index), ...next];
      index = 0;
    })().finally(() => (loading = null)));
  const nextRecipient = async (): Promise<Recipient | null> => {
    const again = retry.shift();
    if (again) return again;
    while (index >= page.length) {
      if (exhausted) return null;
      await load();
    }
    if (!exhausted && page.length - index < pageSize / 4) void load();
    return page[index++] ?? null;
  };

  // ── progress hints (throttled: a send of 100,000 commits thousands of times) ──
  const progressMs = o.progressMs ?? 500;
  let lastProgress = 0;
  const progress = (force = false) => {
    if (!o.onProgress) return;
    const t = Date.now();
    if (!force && t - lastProgress < progressMs) return;
    lastProgress = t;
    try {
      o.onProgress();
    } catch (error) {
      o.logger.warn('Could not announce the progress of an email send', { error });
    }
  };

  // ── results and claims, written together (group commit) ──
  let results: RecipientResult[] = [];
  let claims: Claim[] = [];
  let committing: Promise<void> | null = null;
  const commitNow = async () => {
    const rs = results;
    const cs = claims;
    results = [];
    claims = [];
    try {
      const claimed = await o.store.commit(
        o.deliveryId,
        rs,
        cs.map((c) => c.id),
        o.now().toISOString(),
      );
      for (const c of cs) c.resolve(claimed.has(c.id));
      if (rs.length > 0) progress();
    } catch (error) {
      for (const c of cs) c.reject(error);
      throw error;
    }
  };
  // setImmediate first: node:sqlite runs a transaction synchronously, so the replies that arrived meanwhile are
  // only read once the event loop turns. Waiting one turn lets every lane that is ready join this commit.
  const scheduleCommit = (): Promise<void> =>
    (committing ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(commitNow)
      .catch((error: unknown) => {
        o.logger.error('Could not record email results', { error });
        halt({ kind: 'relay_down', message: 'The database could not record the results of the send.' });
      })
      .finally(() => {
        committing = null;
        if (claims.length > 0) void scheduleCommit();
      }));
  const claim = (id: string) =>
    new Promise<boolean>((resolve, reject) => {
      claims.push({ id, resolve, reject });
      void scheduleCommit();
    });

  // ── error rate (auto-pause) ──
  const window: boolean[] = [];
  let bad = 0;
  const noteOutcome = (failed: boolean) => {
    window.push(failed);
    if (failed) bad++;
    if (window.length > o.errorRate.window && window.shift()) bad--;
    if (window.length >= o.errorRate.window && bad / window.length >= o.errorRate.threshold) {
      halt({
        kind: 'paused',
        message: `Paused automatically: ${bad} of the last ${window.length} messages were refused or deferred by the relay. Check the relay, then resume.`,
      });
    }
  };

  const record = (r: Recipient, reply: SmtpReply | null, status: RecipientResult['status'] | 'queued') => {
    const attempts = r.attempts + 1;
    if (status === 'queued') {
      // Nothing left: the claim is undone so the next pass sends it.
      results.push({
        subscriberId: r.subscriberId,
        status: 'deferred',
        code: null,
        reply: reply?.text ?? null,
        attempts: r.attempts,
        nextAttemptAt: o.now().toISOString(),
      });
      return;
    }
    if (status === 'deferred') {
      if (attempts >= o.maxDeferrals) {
        status = 'rejected';
        reply = reply && { code: reply.code, text: `Gave up after ${attempts} tries: ${reply.text}` };
      } else {
        const wait = Math.min(o.deferMaxMs, o.deferBaseMs * 2 ** (attempts - 1));
        results.push({
          subscriberId: r.subscriberId,
          status,
          code: reply?.code ?? null,
          reply: reply ? describe(reply) : null,
          attempts,
          nextAttemptAt: new Date(o.now().getTime() + wait).toISOString(),
        });
        noteOutcome(true);
        return;
      }
    }
    results.push({
      subscriberId: r.subscriberId,
      status,
      code: reply?.code ?? null,
      reply: reply && status !== 'accepted' ? describe(reply) : null,
      attempts,
      nextAttemptAt: null,
    });
    noteOutcome(status !== 'accepted');
    if (results.length >= 500 && !committing) void scheduleCommit();
  };
  const classify = (reply: SmtpReply): RecipientResult['status'] =>
    reply.code >= 200 && reply.code < 300
      ? 'accepted'
      : reply.code >= 400 && reply.code < 500
        ? 'deferred'
        : 'rejected';

  // ── rate limit: evenly spaced slots over all lanes ──
  let nextSlot = 0;
  const takeSlot = async () => {
    const t = Date.now();
    const slot = Math.max(t, nextSlot);
    nextSlot = slot + 1000 / o.perSecond;
    if (slot > t) await new Promise((r) => setTimeout(r, slot - t));
  };

  // ── the lanes ──
  const connectFailure = (error: unknown): PassOutcome => {
    if (error instanceof SmtpError) {
      if (error.failure === 'auth') return { kind: 'auth', message: error.message };
      // A relay without STARTTLS, or a certificate that does not check out, needs a person, not a wait.
      if (error.failure === 'tls') return { kind: 'refused_settings', message: error.message };
      return { kind: 'relay_down', message: error.message };
    }
    return { kind: 'relay_down', message: error instanceof Error ? error.message : String(error) };
  };

  const lane = async () => {
    let conn: SmtpConnection | null = null;
    let drops = 0;
    try {
      while (stop === null) {
        if (o.shouldStop()) {
          halt({ kind: 'stopped' });
          break;
        }
        const r = await nextRecipient();
        if (!r) break;
        if (!conn || conn.closed) {
          conn = null;
          try {
            conn = await o.connect();
          } catch (error) {
            retry.push(r);
            halt(connectFailure(error));
            break;
          }
        }
        await takeSlot();
        let env: Awaited<ReturnType<SmtpConnection['envelope']>>;
        try {
          env = await conn.envelope(o.envelopeFrom, r.email);
        } catch {
          // Dropped before the message: nothing was delivered; try this one again on a new connection.
          conn.destroy();
          conn = null;
          retry.push(r);
          if (++drops > 5) halt({ kind: 'relay_down', message: 'The relay keeps closing the connection.' });
          continue;
        }
        const refused =
          env.mail.code !== 250
            ? env.mail
            : env.rcpt && env.rcpt.code !== 250 && env.rcpt.code !== 251
              ? env.rcpt
              : env.data && env.data.code !== 354
                ? env.data
                : null;
        if (refused || !env.data) {
          const reply = refused ?? { code: 451, text: 'The relay did not accept DATA' };
          record(r, reply, classify(reply));
          if (env.data?.code === 354 || reply.code === 421) {
            conn.destroy();
            conn = null;
          } else {
            try {
              await conn.reset();
            } catch {
              conn.destroy();
              conn = null;
            }
          }
          continue;
        }
        let message: Buffer;
        try {
          message = await o.build(r);
        } catch (error) {
          conn.destroy();
          conn = null;
          record(
            r,
            {
              code: 0,
              text: `The message could not be built: ${error instanceof Error ? error.message : String(error)}`,
            },
            'rejected',
          );
          continue;
        }
        conn.data(message);
        let claimed: boolean;
        try {
          claimed = await claim(r.subscriberId);
        } catch {
          conn.destroy();
          conn = null;
          break;
        }
        if (!claimed || stop !== null) {
          // Another run has this recipient, they unsubscribed, or we are stopping: drop before the ".".
          conn.destroy();
          conn = null;
          if (claimed) record(r, null, 'queued');
          continue;
        }
        try {
          const reply = await conn.end();
          record(r, reply, classify(reply));
          drops = 0;
          if (reply.code === 421) {
            conn.destroy();
            conn = null;
          }
        } catch (error) {
          const notSent = error instanceof SmtpError && error.failure === 'not_sent';
          record(
            r,
            {
              code: 0,
              text: notSent
                ? 'The connection closed before the end of the message was sent.'
                : 'The connection was lost after the message was sent and before the relay answered.',
            },
            notSent ? 'queued' : 'unconfirmed',
          );
          conn?.destroy();
          conn = null;
        }
      }
    } finally {
      await conn?.quit();
    }
  };

  const watcher = setInterval(() => {
    o.store
      .send(o.deliveryId)
      .then((send) => {
        if (send?.state === 'cancelled') halt({ kind: 'cancelled' });
        if (send?.state === 'paused') halt({ kind: 'paused', message: send.pausedReason ?? 'Paused by a person.' });
      })
      .catch(() => undefined);
  }, o.stateCheckMs ?? 500);
  try {
    await Promise.all(Array.from({ length: o.maxConnections }, () => lane()));
  } finally {
    clearInterval(watcher);
    // Write what is left (results of the last messages of each lane).
    while (committing || results.length > 0) {
      if (committing) await committing;
      else await scheduleCommit();
    }
    progress(true);
  }
  return stop ?? { kind: 'finished' };
}
