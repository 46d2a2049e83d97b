import type { Engine, SqlDb } from './sql.ts';

/** One schema change. `up` returns the SQL for an engine; a migration never changes once released. */
export type Migration = { version: number; name: string; up: (engine: Engine) => string };

/** The PostgreSQL advisory lock key held while migrating, so concurrent starters take turns. */
export const MIGRATION_LOCK_KEY = 7240001;

const time = (e: Engine) => (e === 'postgres' ? 'timestamptz' : 'text');
const json = (e: Engine) => (e === 'postgres' ? 'jsonb' : 'text');

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'updates and their versions',
    up: (e) => `
      CREATE TABLE updates (
        id text PRIMARY KEY,
        title text NOT NULL,
        summary text NOT NULL,
        body_json ${json(e)} NOT NULL,
        body_html text NOT NULL,
        body_text text NOT NULL,
        revision integer NOT NULL CHECK (revision > 0),
        content_hash text NOT NULL,
        created_at ${time(e)} NOT NULL,
        updated_at ${time(e)} NOT NULL
      );
      CREATE INDEX updates_by_updated ON updates (updated_at DESC, id DESC);
      CREATE TABLE update_versions (
        update_id text NOT NULL REFERENCES updates (id) ON DELETE CASCADE,
        revision integer NOT NULL,
        title text NOT NULL,
        summary text NOT NULL,
        body_json ${json(e)} NOT NULL,
        content_hash text NOT NULL,
        saved_at ${time(e)} NOT NULL,
        PRIMARY KEY (update_id, revision)
      );`,
  },
  {
    version: 2,
    name: 'templates',
    up: (e) => `
      CREATE TABLE templates (
        id text PRIMARY KEY,
        name text NOT NULL,
        title text NOT NULL,
        summary text NOT NULL,
        body_json ${json(e)} NOT NULL,
        created_at ${time(e)} NOT NULL,
        updated_at ${time(e)} NOT NULL
      );
      CREATE UNIQUE INDEX templates_by_name ON templates (lower(name));`,
  },
  {
    version: 3,
    name: 'publishing queue: channel targets, publications, deliveries, attempts',
    up: (e) => `
      CREATE TABLE channel_targets (
        id text PRIMARY KEY,
        kind text NOT NULL,
        name text NOT NULL,
        settings_json ${json(e)} NOT NULL,
        created_at ${time(e)} NOT NULL,
        updated_at ${time(e)} NOT NULL
      );
      CREATE TABLE publications (
        id text PRIMARY KEY,
        update_id text NOT NULL REFERENCES updates (id),
        update_revision integer NOT NULL,
        content_hash text NOT NULL,
        scheduled_at ${time(e)},
        created_at ${time(e)} NOT NULL,
        created_by text,
        FOREIGN KEY (update_id, update_revision) REFERENCES update_versions (update_id, revision)
      );
      CREATE INDEX publications_by_created ON publications (created_at DESC, id DESC);
      CREATE INDEX publications_by_update ON publications (update_id);
      CREATE TABLE deliveries (
        id text PRIMARY KEY,
        publication_id text NOT NULL REFERENCES publications (id) ON DELETE CASCADE,
        target_id text NOT NULL REFERENCES channel_targets (id),
        status text NOT NULL CHECK (status IN ('scheduled', 'queued', 'sending', 'delivered', 'retry_wait',
          'failed', 'needs_reauth', 'unconfirmed', 'cancelled')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        attempt_limit integer NOT NULL CHECK (attempt_limit > 0),
        next_attempt_at ${time(e)},
        lease_owner text,
        lease_expires_at ${time(e)},
        external_id text,
        external_url text,
        last_error ${json(e)},
        idempotency_key text NOT NULL UNIQUE,
        depends_on_delivery_id text REFERENCES deliveries (id),
        created_at ${time(e)} NOT NULL,
        updated_at ${time(e)} NOT NULL,
        UNIQUE (publication_id, target_id),
        CHECK (status <> 'sending' OR (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))
      );
      CREATE INDEX deliveries_due ON deliveries (target_id, status, next_attempt_at);
      CREATE INDEX deliveries_by_lease ON deliveries (status, lease_expires_at);
      CREATE INDEX deliveries_by_publication ON deliveries (publication_id);
      CREATE TABLE delivery_attempts (
        delivery_id text NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
        attempt integer NOT NULL CHECK (attempt > 0),
        worker text NOT NULL,
        started_at ${time(e)} NOT NULL,
        finished_at ${time(e)},
        outcome text,
        error ${json(e)},
        PRIMARY KEY (delivery_id, attempt)
      );
      CREATE TABLE delivery_history (
        id ${e === 'postgres' ? 'bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT'},
        delivery_id text NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
        at ${time(e)} NOT NULL,
        actor text NOT NULL,
        event text NOT NULL,
        from_status text,
        to_status text NOT NULL
      );
      CREATE INDEX delivery_history_by_delivery ON delivery_history (delivery_id, id);`,
  },
  {
    version: 4,
    name: 'channels and variants of updates',
    up: (e) => {
      const emptyList = e === 'postgres' ? `'[]'::jsonb` : `'[]'`;
      const emptyObject = e === 'postgres' ? `'{}'::jsonb` : `'{}'`;
      return `
      ALTER TABLE updates ADD COLUMN channels_json ${json(e)} NOT NULL DEFAULT ${emptyList};
      ALTER TABLE updates ADD COLUMN variants_json ${json(e)} NOT NULL DEFAULT ${emptyObject};
      ALTER TABLE update_versions ADD COLUMN channels_json ${json(e)} NOT NULL DEFAULT ${emptyList};
      ALTER TABLE update_versions ADD COLUMN variants_json ${json(e)} NOT NULL DEFAULT ${emptyObject};`;
    },
  },
  {
    version: 5,
    name: 'media (image bytes, content-addressed)',
    // In the database, not the data folder: on a team database every desktop and the worker must see the same images.
    up: (e) => `
      CREATE TABLE media (
        id text PRIMARY KEY CHECK (length(id) = 64),
        type text NOT NULL,
        bytes ${e === 'postgres' ? 'bytea' : 'BLOB'} NOT NULL,
        size integer NOT NULL CHECK (size >= 0),
        created_at ${time(e)} NOT NULL
      );`,
  },
  {
    version: 6,
    name: 'delivery progress (what a multi-step send already did)',
    // Written by the channel as each step lands (the posts of a thread), so a resumed send continues, not repeats.
    up: (e) => `ALTER TABLE deliveries ADD COLUMN progress ${json(e)};`,
  },
  {
    version: 7,
    name: 'people, sessions, reviews and approvals, notifications, a hash-chained audit log',
    up: (e) => peopleAndAudit(e),
  },
  {
    version: 8,
    name: 'email lists, subscribers and memberships',
    // email_key is the lower-cased address: one subscriber per address, whatever its case in an import.
    // A status other than active suppresses the address for every list (unsubscribed, bounced, complained).
    up: (e) => `
      CREATE TABLE email_lists (
        id text PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        description text NOT NULL DEFAULT '',
        created_at ${time(e)} NOT NULL,
        updated_at ${time(e)} NOT NULL
      );
      CREATE UNIQUE INDEX email_lists_by_name ON email_lists (lower(name));
      CREATE TABLE subscribers (
        id text PRIMARY KEY,
        email text NOT NULL,
        email_key text NOT NULL UNIQUE CHECK (email_key = lower(email_key)),
        name text,
        status text NOT NULL CHECK (status IN ('active', 'unsubscribed', 'bounced', 'complained')),
        consent_source text NOT NULL,
        consent_at ${time(e)} NOT NULL,
        status_changed_at ${time(e)} NOT NULL,
        created_at ${time(e)} NOT NULL,
        updated_at ${time(e)} NOT NULL
      );
      CREATE INDEX subscribers_by_status ON subscribers (status, id);
      CREATE TABLE list_memberships (
        list_id text NOT NULL REFERENCES email_lists (id) ON DELETE CASCADE,
        subscriber_id text NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
        added_at ${time(e)} NOT NULL,
        PRIMARY KEY (list_id, subscriber_id)
      );
      CREATE INDEX list_memberships_by_subscriber ON list_memberships (subscriber_id, list_id);`,
  },
  {
    version: 9,
    name: 'email sends: per-delivery recipients and their status',
    // One row per recipient of an email delivery, snapshotted from the lists in batches when the send starts.
    // No index on status: every status change would move an index entry, and the fan-out reads by key anyway.
    // `sending` is written in the same transaction that records the previous result of that connection, just
    // before the end of DATA, so after a crash at most one recipient per connection is left unknown.
    up: (e) => `
      CREATE TABLE email_sends (
        delivery_id text PRIMARY KEY REFERENCES deliveries (id) ON DELETE CASCADE,
        state text NOT NULL CHECK (state IN ('sending', 'paused', 'cancelled', 'done')),
        snapshot_cursor text,
        snapshot_done integer NOT NULL DEFAULT 0,
        paused_reason text,
        created_at ${time(e)} NOT NULL,
        updated_at ${time(e)} NOT NULL
      );
      CREATE TABLE email_recipients (
        delivery_id text NOT NULL REFERENCES email_sends (delivery_id) ON DELETE CASCADE,
        subscriber_id text NOT NULL,
        list_id text NOT NULL,
        email text NOT NULL,
        name text,
        status text NOT NULL CHECK (status IN ('queued', 'sending', 'accepted', 'deferred', 'rejected',
          'unconfirmed', 'skipped', 'cancelled')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at ${time(e)},
        smtp_code integer,
        smtp_reply text,
        updated_at ${time(e)} NOT NULL,
        PRIMARY KEY (delivery_id, subscriber_id)
      );`,
  },
  {
    version: 11,
    name: 'channel targets can be disconnected (kept for the queue history)',
    // Deliveries refer to their target, so a disconnected channel keeps its row (and its name in the history).
    up: (e) => `ALTER TABLE channel_targets ADD COLUMN disconnected_at ${time(e)};`,
  },
  {
    version: 12,
    name: 'event outbox (cross-process events on SQLite)',
    // SQLite has no LISTEN/NOTIFY: every process tails this table (event-relay.ts). PostgreSQL uses NOTIFY instead.
    up: (e) =>
      e === 'sqlite'
        ? `CREATE TABLE event_outbox (
             id INTEGER PRIMARY KEY AUTOINCREMENT,
             origin TEXT NOT NULL,
             body TEXT NOT NULL,
             created_at TEXT NOT NULL
           );`
        : 'SELECT 1;',
  },
  {
    version: 13,
    name: 'retracted deliveries; channel targets remember their last test and credential change',
    // Retracting keeps `delivered` (it did go out) and records when it was removed. A channel "needs reconnecting"
    // when its last Test connection failed or a delivery ended in needs_reauth after its credentials last changed.
    up: (e) => `ALTER TABLE deliveries ADD COLUMN retracted_at ${time(e)};
      ALTER TABLE channel_targets ADD COLUMN credentials_changed_at ${time(e)};
      ALTER TABLE channel_targets ADD COLUMN last_test_at ${time(e)};
      ALTER TABLE channel_targets ADD COLUMN last_test_ok integer;
      ALTER TABLE channel_targets ADD COLUMN last_test_message text;`,
  },
  {
    version: 14,
    name: 'why an address is suppressed',
    // The reason a person gave (or the unsubscribe link) when the address left or rejoined the mailing lists.
    up: () => 'ALTER TABLE subscribers ADD COLUMN status_reason TEXT;',
  },
  {
    version: 15,
    name: 'what a channel told us of its limits; when an image was last used',
    // known_limits_json: learnt by "Test connection" (a Mastodon instance's characters a post), used by the counters
    // and the pre-send check. last_used_at: set when an image is added again or saved in a body, so the clean-up of
    // unused images never removes one that an editor has only just put in.
    up: (e) => `
      ALTER TABLE channel_targets ADD COLUMN known_limits_json ${json(e)};
      ALTER TABLE media ADD COLUMN last_used_at ${time(e)};
      UPDATE media SET last_used_at = created_at;`,
  },
];

/** The SQL text of a trigger that refuses with `message`, for each engine. */
function refusingTrigger(
  e: Engine,
  name: string,
  timing: string,
  table: string,
  when: string,
  message: string,
): string {
  if (e === 'sqlite') {
    return `CREATE TRIGGER ${name} ${timing} ON ${table} FOR EACH ROW WHEN ${when}
      BEGIN SELECT RAISE(ABORT, '${message}'); END;`;
  }
  const fn = `${name}_fn`;
  return `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $body$
      BEGIN
        IF ${when} THEN
          RAISE EXCEPTION '${message}' USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
      END $body$;
    CREATE TRIGGER ${name} ${timing} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}();`;
}

/**
 * Migration 7 (issue 4). The rules that matter most are enforced by the
 * database as well as the service, on both engines: nobody approves a version
 * they created, submitted or saved, and the audit log can only grow.
 */
function peopleAndAudit(e: Engine): string {
  const id = e === 'postgres' ? 'bigint' : 'INTEGER';
  const emptyList = e === 'postgres' ? `'[]'::jsonb` : `'[]'`;
  const selfApproval = `NEW.approver_id IN (
        SELECT created_by FROM updates WHERE id = NEW.update_id AND created_by IS NOT NULL
        UNION SELECT submitted_by FROM review_submissions WHERE id = NEW.submission_id
        UNION SELECT saved_by FROM update_versions
          WHERE update_id = NEW.update_id AND revision = NEW.revision AND saved_by IS NOT NULL)`;
  return `
      CREATE TABLE users (
        id text PRIMARY KEY,
        name text NOT NULL,
        email text NOT NULL,
        email_key text NOT NULL UNIQUE,
        roles_json ${json(e)} NOT NULL,
        urgent integer NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
        password_hash text NOT NULL,
        disabled_at ${time(e)},
        created_at ${time(e)} NOT NULL,
        updated_at ${time(e)} NOT NULL
      );
      CREATE TABLE sessions (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (id),
        created_at ${time(e)} NOT NULL,
        last_seen_at ${time(e)} NOT NULL,
        locked_at ${time(e)},
        ended_at ${time(e)}
      );
      CREATE INDEX sessions_by_user ON sessions (user_id);
      ALTER TABLE updates ADD COLUMN created_by text REFERENCES users (id);
      ALTER TABLE updates ADD COLUMN review_state text NOT NULL DEFAULT 'draft'
        CHECK (review_state IN ('draft', 'in_review', 'changes_requested', 'approved'));
      ALTER TABLE updates ADD COLUMN tags_json ${json(e)} NOT NULL DEFAULT ${emptyList};
      ALTER TABLE update_versions ADD COLUMN saved_by text REFERENCES users (id);
      CREATE TABLE review_submissions (
        id text PRIMARY KEY,
        update_id text NOT NULL REFERENCES updates (id) ON DELETE CASCADE,
        revision integer NOT NULL,
        content_hash text NOT NULL,
        render_hash text NOT NULL,
        submitted_by text NOT NULL REFERENCES users (id),
        approver_id text REFERENCES users (id),
        approvals_required integer NOT NULL CHECK (approvals_required IN (1, 2)),
        note text NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'approved', 'changes_requested', 'voided')),
        submitted_at ${time(e)} NOT NULL,
        closed_at ${time(e)},
        FOREIGN KEY (update_id, revision) REFERENCES update_versions (update_id, revision)
      );
      CREATE INDEX review_submissions_by_update ON review_submissions (update_id, submitted_at);
      CREATE INDEX review_submissions_open ON review_submissions (status, submitted_at);
      CREATE TABLE approvals (
        id text PRIMARY KEY,
        submission_id text NOT NULL REFERENCES review_submissions (id) ON DELETE CASCADE,
        update_id text NOT NULL REFERENCES updates (id) ON DELETE CASCADE,
        revision integer NOT NULL,
        content_hash text NOT NULL,
        render_hash text NOT NULL,
        approver_id text NOT NULL REFERENCES users (id),
        approved_at ${time(e)} NOT NULL,
        voided_at ${time(e)},
        void_reason text,
        UNIQUE (submission_id, approver_id)
      );
      CREATE INDEX approvals_by_update ON approvals (update_id, revision);
      ${refusingTrigger(e, 'approvals_not_by_author', 'BEFORE INSERT', 'approvals', selfApproval, 'self_approval: an author cannot approve their own update')}
      CREATE TABLE review_comments (
        id text PRIMARY KEY,
        update_id text NOT NULL REFERENCES updates (id) ON DELETE CASCADE,
        submission_id text REFERENCES review_submissions (id) ON DELETE CASCADE,
        reply_to text REFERENCES review_comments (id),
        revision integer NOT NULL,
        author_id text REFERENCES users (id),
        kind text NOT NULL CHECK (kind IN ('comment', 'submitted', 'approved', 'changes_requested', 'voided',
          'urgent_published', 'not_sent')),
        body text NOT NULL,
        created_at ${time(e)} NOT NULL
      );
      CREATE INDEX review_comments_by_update ON review_comments (update_id, created_at);
      CREATE TABLE notifications (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (id),
        update_id text REFERENCES updates (id) ON DELETE CASCADE,
        kind text NOT NULL,
        message text NOT NULL,
        created_at ${time(e)} NOT NULL,
        read_at ${time(e)}
      );
      CREATE INDEX notifications_by_user ON notifications (user_id, created_at);
      CREATE TABLE team_settings (
        key text PRIMARY KEY,
        value_json ${json(e)} NOT NULL,
        updated_at ${time(e)} NOT NULL,
        updated_by text REFERENCES users (id)
      );
      ALTER TABLE publications ADD COLUMN authorisation text NOT NULL DEFAULT 'approved'
        CHECK (authorisation IN ('approved', 'urgent', 'pending', 'lapsed'));
      ALTER TABLE publications ADD COLUMN urgent_reason text;
      ALTER TABLE publications ADD COLUMN reviewed_by text REFERENCES users (id);
      ALTER TABLE publications ADD COLUMN reviewed_at ${time(e)};
      CREATE TABLE audit_log (
        seq ${id} PRIMARY KEY,
        at ${time(e)} NOT NULL,
        actor_id text,
        actor_name text NOT NULL,
        action text NOT NULL,
        subject_type text NOT NULL,
        subject_id text,
        content_hash text,
        details_json ${json(e)} NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL UNIQUE
      );
      CREATE INDEX audit_log_by_action ON audit_log (action, seq);
      CREATE INDEX audit_log_by_subject ON audit_log (subject_id, seq);
      ${refusingTrigger(e, 'audit_log_no_update', 'BEFORE UPDATE', 'audit_log', '1 = 1', 'audit_log is append-only')}
      ${refusingTrigger(e, 'audit_log_no_delete', 'BEFORE DELETE', 'audit_log', '1 = 1', 'audit_log is append-only')}`;
}

/**
 * Brings the schema up to date, one transaction per migration. On PostgreSQL an
 * advisory lock makes concurrent starters (two desktops, a worker) wait for each other.
 */
export async function migrate(db: SqlDb, list: readonly Migration[] = migrations): Promise<number[]> {
  // Under the lock too: concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL (pg_type unique violation).
  await db.transaction(async (tx) => {
    if (tx.engine === 'postgres') await tx.run('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at ${time(tx.engine)} NOT NULL)`);
  });
  const applied: number[] = [];
  for (const migration of [...list].sort((a, b) => a.version - b.version)) {
    await db.transaction(async (tx) => {
      if (tx.engine === 'postgres') await tx.run('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const done = await tx.one('SELECT version FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done) return;
      await tx.exec(migration.up(tx.engine));
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
      applied.push(migration.version);
    });
  }
  return applied;
}

/** The versions recorded as applied, ascending. */
export async function appliedVersions(db: SqlDb): Promise<number[]> {
  const rows = await db.all('SELECT version FROM schema_migrations ORDER BY version');
  return rows.map((r) => Number(r.version));
}
