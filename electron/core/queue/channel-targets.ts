import type { ParsedInput } from '../../../shared/contract.ts';
import { KnownLimits, type ChannelTarget, type ChannelTestResult } from '../../../shared/domain/queue.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import {
  channelSecretName,
  type ChannelAdapter,
  type ChannelContext,
  type ChannelSecretSpec,
} from '../channels/adapter.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import { CoreError } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import { requireRole, type UserActor } from '../people/actor.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { SqlDb } from '../store/sql.ts';
import { channelHealth } from './channel-health.ts';
import { createQueueRepository } from './queue-repository.ts';

/**
 * Connecting, testing, reconnecting and disconnecting channel targets, with
 * the passwords and tokens each kind declares (`ChannelAdapter.secrets`).
 * Secret values go into the secret store and nowhere else: not into an
 * answer, a log line, the audit log (names only) or an error message.
 */
export type ChannelTargetsDeps = {
  db: SqlDb;
  secrets: SecretStore;
  channels: ChannelRegistry;
  audit: AuditLog;
  logger: Logger;
  now: () => Date;
  newId: () => string;
  fetch?: typeof fetch;
  /** How long "Test connection" waits for a channel's answer (default 20 s). */
  testTimeoutMs?: number;
};

const DEFAULT_SECRET_MAX = 2000;
const DEFAULT_TEST_TIMEOUT_MS = 20_000;
// C0 and C1 control characters and DEL: never part of a token, often a paste gone wrong.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The declared secrets of a kind (none for a channel that needs none). */
export const secretSpecsOf = (adapter: ChannelAdapter): readonly ChannelSecretSpec[] => adapter.secrets ?? [];

const invalid = (field: string, message: string) =>
  new CoreError('invalid_input', `Invalid input: ${field}: ${message}`, { field });

/**
 * Checks secret values against what the kind declares: every declared one
 * present and not blank, no unknown names, within the length, no control
 * characters. Errors name the field (`secrets.<name>`) and never the value.
 */
export function checkSecrets(adapter: ChannelAdapter, given: Record<string, string>): Map<string, string> {
  const specs = secretSpecsOf(adapter);
  const known = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      const field = `secrets.${/^[a-z0-9_.-]{1,100}$/.test(name) ? name : '?'}`;
      throw invalid(
        field,
        specs.length === 0
          ? `${adapter.displayName} channels need no passwords or tokens.`
          : `${adapter.displayName} channels do not use a secret of that name (they use ${specs.map((s) => s.name).join(', ')}).`,
      );
    }
  }
  const values = new Map<string, string>();
  for (const spec of specs) {
    const field = `secrets.${spec.name}`;
    const raw = given[spec.name] ?? '';
    const value = (spec.multiline ? raw.replace(/\r\n?/g, '\n') : raw).trim();
    if (value === '' && spec.optional) continue;
    if (value === '') throw invalid(field, `Enter the ${spec.label.toLowerCase()}.`);
    const max = spec.maxLength ?? DEFAULT_SECRET_MAX;
    if (value.length > max) throw invalid(field, `The ${spec.label.toLowerCase()} is longer than ${max} characters.`);
    if (CONTROL.test(spec.multiline ? value.replace(/\n/g, '') : value)) {
      throw invalid(
        field,
        `The ${spec.label.toLowerCase()} contains a control character (a line break or tab, perhaps from copying). Paste it again.`,
      );
    }
    values.set(spec.name, value);
  }
  return values;
}

function parseSettings(adapter: ChannelAdapter, input: unknown): unknown {
  const settings = adapter.settingsSchema.safeParse(input);
  if (settings.success) return settings.data;
  const issue = settings.error.issues[0];
  const field = ['settings', ...(issue?.path ?? []).map(String)].join('.');
  throw invalid(field, issue?.message ?? 'Invalid');
}

/** Replaces every secret value found in `text` (an adapter's message) so that none can reach an answer. */
function scrub(text: string, values: Iterable<string>): string {
  let out = text;
  for (const value of values) if (value.length >= 4) out = out.split(value).join('[hidden]');
  return out;
}

/** The service behind `channels.create | test | setSecrets | remove`. */
export function createChannelTargets(deps: ChannelTargetsDeps) {
  const { db, secrets, channels, audit, logger, now, newId } = deps;
  const testTimeoutMs = deps.testTimeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
  const fetchFn = deps.fetch ?? globalThis.fetch;

  function adapterOf(kind: string): ChannelAdapter {
    const adapter = channels.get(kind);
    if (!adapter) {
      throw new CoreError('invalid_input', `Town Crier cannot publish to channels of the kind "${kind}".`, {
        field: 'kind',
      });
    }
    return adapter;
  }

  async function connectedTarget(targetId: string): Promise<ChannelTarget> {
    const [target] = await createQueueRepository(db).getTargets([targetId], { connectedOnly: true });
    if (!target) throw new CoreError('not_found', 'That channel is not connected (it may have been disconnected).');
    return target;
  }

  /**
   * Writes the values to the secret store. If one fails, the ones written by
   * this call are put back as they were, and the error (which names no value) is thrown.
   */
  async function storeSecrets(targetId: string, values: Map<string, string>): Promise<void> {
    const written: { name: string; before: string | undefined }[] = [];
    try {
      for (const [name, value] of values) {
        const key = channelSecretName(targetId, name);
        const before = await secrets.get(key);
        await secrets.set(key, value);
        written.push({ name: key, before });
      }
    } catch (error) {
      for (const { name, before } of written.reverse()) {
        await (before === undefined ? secrets.delete(name) : secrets.set(name, before)).catch(() => undefined);
      }
      if (error instanceof CoreError) throw error;
      logger.error('Could not store a channel secret', { targetId, error: (error as Error).message });
      throw new CoreError(
        'internal',
        "The channel's passwords and tokens could not be stored, so nothing was changed. Check the secrets file or key store, then try again.",
      );
    }
  }

  async function runTest(
    adapter: ChannelAdapter,
    target: { id: string; name: string },
    settings: unknown,
    credentials: (name: string) => Promise<string | undefined>,
    knownValues: () => Promise<string[]>,
  ): Promise<ChannelTestResult> {
    const controller = new AbortController();
    const ctx: ChannelContext<unknown> = {
      target,
      settings,
      credentials,
      fetch: fetchFn,
      logger: logger.child(adapter.kind),
      now,
      signal: controller.signal,
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const seconds = Math.round(testTimeoutMs / 100) / 10;
    const timedOut = new Promise<ChannelTestResult>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error('Test connection timed out'));
        resolve({ ok: false, message: `${target.name} did not answer within ${seconds} seconds. Try again later.` });
      }, testTimeoutMs);
    });
    const tested = adapter.test(ctx).then(
      (check): ChannelTestResult =>
        check.ok
          ? { ok: true, account: check.account ?? null, ...(check.limits ? { limits: check.limits } : {}) }
          : check,
      (error: unknown): ChannelTestResult => ({
        ok: false,
        message: error instanceof Error ? error.message : 'The channel could not be reached.',
      }),
    );
    try {
      const result = await Promise.race([tested, timedOut]);
      const values = await knownValues();
      return result.ok
        ? {
            ok: true,
            account: result.account === null ? null : scrub(result.account, values),
            ...(result.limits ? { limits: result.limits } : {}),
          }
        : { ok: false, message: scrub(result.message, values) };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    /** Connects a target with settings its adapter accepts and the secrets it declares, all or nothing. */
    async create(input: ParsedInput<'channels.create'>, actor: UserActor): Promise<ChannelTarget> {
      requireRole(actor, ['admin'], 'connect channels');
      const adapter = adapterOf(input.kind);
      const settings = parseSettings(adapter, input.settings);
      const values = checkSecrets(adapter, input.secrets);
      const time = now().toISOString();
      const target: ChannelTarget = {
        id: newId(),
        kind: adapter.kind,
        name: input.name,
        settings: settings as Record<string, unknown>,
        createdAt: time,
        updatedAt: time,
      };
      await db.transaction(async (tx) => {
        await createQueueRepository(tx).insertTarget(target);
        await audit.record(tx, actor, {
          action: 'channel.connected',
          subjectType: 'channel',
          subjectId: target.id,
          // Names only: a secret's value never reaches the audit log.
          details: { kind: target.kind, name: target.name, settings: target.settings, secrets: [...values.keys()] },
        });
        // Last, inside the transaction: if storing fails, the target's row is rolled back too.
        await storeSecrets(target.id, values);
      });
      logger.info('Channel connected', { targetId: target.id, kind: target.kind, secrets: [...values.keys()] });
      return target;
    },

    /** "Test connection" for a connected target, or (admins) for unsaved settings and secrets, storing nothing. */
    async test(input: ParsedInput<'channels.test'>, actor: UserActor): Promise<ChannelTestResult> {
      if ('targetId' in input) {
        requireRole(actor, ['admin', 'author', 'approver'], 'test channels');
        const target = await connectedTarget(input.targetId);
        const adapter = channels.get(target.kind);
        if (!adapter) {
          return { ok: false, message: `This Town Crier cannot publish to ${target.kind} channels.` };
        }
        const settings = adapter.settingsSchema.safeParse(target.settings);
        if (!settings.success) return { ok: false, message: 'The settings of this channel are no longer valid.' };
        const names = secretSpecsOf(adapter).map((s) => s.name);
        const result = await runTest(
          adapter,
          { id: target.id, name: target.name },
          settings.data,
          (name) => secrets.get(channelSecretName(target.id, name)),
          async () =>
            (await Promise.all(names.map((n) => secrets.get(channelSecretName(target.id, n))))).filter(
              (v): v is string => v !== undefined,
            ),
        );
        // What the channel said of its limits is kept for the counters and the pre-send check. It is a reading
        // of the channel, not a person's change, so it is logged rather than audited.
        const limits = result.ok ? KnownLimits.safeParse(result.limits) : undefined;
        if (limits?.success && result.ok && result.limits) {
          await createQueueRepository(db).setKnownLimits(target.id, limits.data);
          logger.info('Channel limits learnt', { targetId: target.id, limits: limits.data });
        }
        // The card's status comes from the last test (already scrubbed of secret values).
        await db.transaction(async (tx) => {
          await createQueueRepository(tx).recordTest(
            target.id,
            now().toISOString(),
            result.ok,
            result.ok ? null : result.message.slice(0, 1000),
          );
          await audit.record(tx, actor, {
            action: 'channel.tested',
            subjectType: 'channel',
            subjectId: target.id,
            details: { name: target.name, kind: target.kind, ok: result.ok },
          });
        });
        return result;
      }
      requireRole(actor, ['admin'], 'test channels before connecting them');
      const adapter = adapterOf(input.kind);
      const settings = parseSettings(adapter, input.settings);
      const values = checkSecrets(adapter, input.secrets);
      return runTest(
        adapter,
        { id: newId(), name: adapter.displayName },
        settings,
        async (name) => values.get(name),
        async () => [...values.values()],
      );
    },

    /** Reconnect: replaces every secret of a connected target (audited by name). */
    async setSecrets(input: ParsedInput<'channels.setSecrets'>, actor: UserActor): Promise<ChannelTarget> {
      requireRole(actor, ['admin'], 'replace channel passwords and tokens');
      const target = await connectedTarget(input.targetId);
      const adapter = adapterOf(target.kind);
      if (secretSpecsOf(adapter).length === 0) {
        throw invalid('secrets', `${adapter.displayName} channels need no passwords or tokens.`);
      }
      const values = checkSecrets(adapter, input.secrets);
      if (values.size === 0) throw invalid('secrets', 'Enter the new password, token or key to store.');
      const time = now().toISOString();
      await db.transaction(async (tx) => {
        // New credentials: a refusal before now no longer counts against the card, nor does the last test.
        await createQueueRepository(tx).markChanged(target.id, time, 'credentials');
        for (const name of values.keys()) {
          await audit.record(tx, actor, {
            action: 'channel.secret_set',
            subjectType: 'secret',
            subjectId: channelSecretName(target.id, name),
            details: { channel: target.name, kind: target.kind },
          });
        }
        await storeSecrets(target.id, values);
      });
      logger.info('Channel secrets replaced', { targetId: target.id, secrets: [...values.keys()] });
      return { ...target, updatedAt: time };
    },

    /** The Channels page: every connected target (and disconnected ones, if asked) with its status and the next step. */
    async list(options: { includeDisconnected?: boolean } = {}): Promise<ChannelTarget[]> {
      const rows = await createQueueRepository(db).listTargetsWithHealth(options);
      return rows.map(({ target, stored }) => {
        const adapter = channels.get(target.kind);
        return {
          ...target,
          health: channelHealth(stored, { hasSecrets: adapter ? secretSpecsOf(adapter).length > 0 : true }),
        };
      });
    },

    /**
     * "Edit settings": a new name and settings, checked by the adapter's schema
     * exactly as on connecting, and audited with both versions. Refused while a
     * delivery to the target is being sent (it was started with the old
     * settings, and its outcome must be recorded against them); deliveries still
     * waiting to go out are sent with the new settings. Settings say where and
     * how to publish, not what: they are not part of the rendered output an
     * approval is bound to (app settings such as the organisation name are).
     */
    async updateSettings(input: ParsedInput<'channels.updateSettings'>, actor: UserActor): Promise<ChannelTarget> {
      requireRole(actor, ['admin'], 'change channel settings');
      const time = now().toISOString();
      const updated = await db.transaction(async (tx) => {
        const repo = createQueueRepository(tx);
        const [target] = await repo.getTargets([input.targetId], { connectedOnly: true });
        if (!target) throw new CoreError('not_found', 'That channel is not connected (it may have been disconnected).');
        const adapter = adapterOf(target.kind);
        const settings = parseSettings(adapter, input.settings) as Record<string, unknown>;
        const sending = await tx.one(
          `SELECT count(*) AS n FROM deliveries WHERE target_id = $1 AND status = 'sending'`,
          [target.id],
        );
        const n = Number(sending?.n ?? 0);
        if (n > 0) {
          throw new CoreError(
            'conflict',
            `${target.name} is sending ${n === 1 ? 'a delivery' : `${n} deliveries`} right now with its current settings, so they cannot be changed yet. Wait until ${n === 1 ? 'it has' : 'they have'} finished (see the Queue page), then save again.`,
          );
        }
        const same = target.name === input.name && JSON.stringify(target.settings) === JSON.stringify(settings);
        if (same) return target;
        await repo.updateTargetSettings(target.id, input.name, settings, time);
        await repo.markChanged(target.id, time, 'settings');
        await audit.record(tx, actor, {
          action: 'channel.settings_changed',
          subjectType: 'channel',
          subjectId: target.id,
          details: {
            kind: target.kind,
            before: { name: target.name, settings: target.settings },
            after: { name: input.name, settings },
          },
        });
        return { ...target, name: input.name, settings, updatedAt: time };
      });
      logger.info('Channel settings changed', { targetId: updated.id });
      return updated;
    },

    /**
     * Disconnect: refused while deliveries to the target are still to go out.
     * A target with no deliveries is deleted; one the queue history names is
     * marked disconnected (kept, with its name). Its secrets are deleted.
     */
    async remove(
      targetId: string,
      actor: UserActor,
    ): Promise<{ targetId: string; removed: 'deleted' | 'disconnected' }> {
      requireRole(actor, ['admin'], 'disconnect channels');
      const removed = await db.transaction(async (tx) => {
        const repo = createQueueRepository(tx);
        const [target] = await repo.getTargets([targetId], { connectedOnly: true });
        if (!target) throw new CoreError('not_found', 'That channel is not connected (it may have been disconnected).');
        const counts = await repo.targetDeliveryCounts(targetId);
        if (counts.pending > 0) {
          const n = counts.pending === 1 ? '1 delivery is' : `${counts.pending} deliveries are`;
          throw new CoreError(
            'conflict',
            `${target.name} cannot be disconnected: ${n} still waiting to go out to it (queued, scheduled, sending or waiting to retry). Cancel ${counts.pending === 1 ? 'it' : 'them'} on the Queue page first, or wait until ${counts.pending === 1 ? 'it has' : 'they have'} gone out.`,
          );
        }
        const how = counts.total > 0 ? 'disconnected' : 'deleted';
        if (how === 'deleted') await repo.deleteTarget(targetId);
        else await repo.markTargetDisconnected(targetId, now().toISOString());
        await audit.record(tx, actor, {
          action: 'channel.disconnected',
          subjectType: 'channel',
          subjectId: targetId,
          details: { kind: target.kind, name: target.name, kept: how === 'disconnected' },
        });
        return { target, how } as const;
      });
      // Every secret stored for it, declared or set by name through `secrets.set`.
      const prefix = channelSecretName(targetId, '');
      const stored = await secrets.list().catch(() => []);
      for (const { name } of stored.filter((s) => s.name.startsWith(prefix))) {
        await secrets.delete(name).catch((error: unknown) => {
          logger.warn('Could not delete a disconnected channel secret', { name, error: (error as Error).message });
        });
      }
      logger.info('Channel disconnected', { targetId, how: removed.how });
      return { targetId, removed: removed.how };
    },
  };
}

export type ChannelTargets = ReturnType<typeof createChannelTargets>;
