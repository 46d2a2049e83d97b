import { z } from 'zod';
import type { ParsedInput } from '../../../shared/contract.ts';
import { diffWords } from '../../../shared/content/diff.ts';
import { docToPlainText } from '../../../shared/content/render.ts';
import {
  ApprovalPolicy,
  type Comment,
  type Notification,
  type Review,
  type Submission,
} from '../../../shared/domain/review.ts';
import type { Settings } from '../../../shared/domain/settings.ts';
import type { Update } from '../../../shared/domain/update.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { CoreError } from '../errors.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../logging/logger.ts';
import { hasRole, requireRole, type Actor, type UserActor } from '../people/actor.ts';
import type { SqlDb, SqlExecutor } from '../store/sql.ts';
import { strictestKnownLimits } from '../queue/known-limits.ts';
import { checkUpdateForSending, renderHashOf } from '../updates/check-for-sending.ts';
import { createUpdatesRepository } from '../updates/updates-repository.ts';
import { activeApprovers, insertComment, insertNotifications } from './notifications.ts';

export type ReviewDeps = {
  db: SqlDb;
  audit: AuditLog;
  events: EventBus;
  logger: Logger;
  now: () => Date;
  newId: () => string;
  readSettings: () => Promise<Pick<Settings, 'organisationName' | 'websiteNewsUrl'>>;
};

const POLICY_KEY = 'approvals';

const SubmissionRow = z.object({
  id: z.string(),
  update_id: z.string(),
  revision: z.coerce.number().int(),
  content_hash: z.string(),
  render_hash: z.string(),
  submitted_by: z.string(),
  submitted_by_name: z.string(),
  approver_id: z.string().nullable(),
  approver_name: z.string().nullable(),
  approvals_required: z.coerce.number().int(),
  note: z.string(),
  status: z.enum(['open', 'approved', 'changes_requested', 'voided']),
  submitted_at: z.string(),
  closed_at: z.string().nullable(),
});
type SubmissionRow = z.infer<typeof SubmissionRow>;

const SUBMISSION_SELECT = `SELECT s.id, s.update_id, s.revision, s.content_hash, s.render_hash, s.submitted_by,
    sb.name AS submitted_by_name, s.approver_id, ap.name AS approver_name, s.approvals_required, s.note, s.status,
    s.submitted_at, s.closed_at
  FROM review_submissions s
  JOIN users sb ON sb.id = s.submitted_by
  LEFT JOIN users ap ON ap.id = s.approver_id`;

const CommentRow = z.object({
  id: z.string(),
  update_id: z.string(),
  reply_to: z.string().nullable(),
  revision: z.coerce.number().int(),
  author_id: z.string().nullable(),
  author_name: z.string().nullable(),
  kind: z.enum(['comment', 'submitted', 'approved', 'changes_requested', 'voided', 'urgent_published', 'not_sent']),
  body: z.string(),
  created_at: z.string(),
});

/**
 * The four-eyes flow: submit, approve or request changes, comments, and what
 * an edit does to an approval. Every rule is checked here; the rule that
 * matters most (nobody approves their own work) is also a database trigger.
 */
export function createReviewService(deps: ReviewDeps) {
  const { db, audit, events, now, newId } = deps;

  async function policy(tx: SqlExecutor): Promise<ApprovalPolicy> {
    const row = await tx.one('SELECT value_json FROM team_settings WHERE key = $1', [POLICY_KEY]);
    const raw = row ? (typeof row.value_json === 'string' ? JSON.parse(row.value_json) : row.value_json) : {};
    return ApprovalPolicy.parse(raw);
  }

  const requiredFor = (p: ApprovalPolicy, tags: readonly string[]): 1 | 2 => {
    const two = new Set(p.twoForTags.map((t) => t.toLowerCase()));
    return p.required === 2 || tags.some((t) => two.has(t.toLowerCase())) ? 2 : 1;
  };

  async function currentUpdate(tx: SqlExecutor, updateId: string): Promise<Update> {
    const update = await createUpdatesRepository(tx).get(updateId);
    if (!update) throw new CoreError('not_found', 'That update does not exist (it may have been deleted).');
    return update;
  }

  async function submissions(tx: SqlExecutor, updateId: string): Promise<SubmissionRow[]> {
    const rows = await tx.all(`${SUBMISSION_SELECT} WHERE s.update_id = $1 ORDER BY s.submitted_at DESC, s.id DESC`, [
      updateId,
    ]);
    return rows.map((r) => SubmissionRow.parse(r));
  }

  async function openSubmission(tx: SqlExecutor, updateId: string): Promise<SubmissionRow | undefined> {
    const row = await tx.one(`${SUBMISSION_SELECT} WHERE s.update_id = $1 AND s.status = 'open'`, [updateId]);
    return row ? SubmissionRow.parse(row) : undefined;
  }

  async function approvalsOf(tx: SqlExecutor, submissionId: string) {
    const rows = await tx.all(
      `SELECT a.approver_id, u.name, a.approved_at FROM approvals a JOIN users u ON u.id = a.approver_id
       WHERE a.submission_id = $1 AND a.voided_at IS NULL ORDER BY a.approved_at`,
      [submissionId],
    );
    return rows.map((r) => ({
      approver: { id: String(r.approver_id), name: String(r.name) },
      approvedAt: String(r.approved_at),
    }));
  }

  /** Everyone who wrote, submitted or saved this version: none of them may approve it. */
  async function authorsOf(tx: SqlExecutor, update: Update, submission: SubmissionRow | undefined) {
    const rows = await tx.all(
      `SELECT saved_by AS id FROM update_versions WHERE update_id = $1 AND revision = $2 AND saved_by IS NOT NULL`,
      [update.id, update.revision],
    );
    return new Set<string>([
      ...(update.createdBy ? [update.createdBy.id] : []),
      ...(submission ? [submission.submitted_by] : []),
      ...rows.map((r) => String(r.id)),
    ]);
  }

  async function setState(tx: SqlExecutor, updateId: string, state: Update['reviewState']) {
    await tx.run('UPDATE updates SET review_state = $1 WHERE id = $2', [state, updateId]);
  }

  async function addComment(
    tx: SqlExecutor,
    c: { updateId: string; submissionId: string | null; replyTo?: string | null; revision: number },
    author: Actor,
    kind: Comment['kind'],
    body: string,
  ) {
    return insertComment(tx, {
      id: newId(),
      ...c,
      authorId: author.id,
      kind,
      body,
      at: now().toISOString(),
    });
  }

  const notified = new Set<string>();
  async function notify(
    tx: SqlExecutor,
    userIds: Iterable<string>,
    updateId: string | null,
    kind: string,
    message: string,
  ) {
    const to = await insertNotifications(tx, { userIds, updateId, kind, message, at: now().toISOString(), newId });
    for (const userId of to) notified.add(userId);
  }
  /** Events go out after the transaction commits, so a UI never refetches before the change is visible. */
  function announce(updateId: string) {
    events.emit('review.changed', { updateId });
    for (const userId of notified) events.emit('notification.created', { userId });
    notified.clear();
  }

  const toSubmission = async (tx: SqlExecutor, s: SubmissionRow): Promise<Submission> => ({
    id: s.id,
    updateId: s.update_id,
    revision: s.revision,
    contentHash: s.content_hash,
    submittedBy: { id: s.submitted_by, name: s.submitted_by_name },
    approver: s.approver_id ? { id: s.approver_id, name: s.approver_name ?? '' } : null,
    approvalsRequired: s.approvals_required,
    approvals: await approvalsOf(tx, s.id),
    note: s.note,
    status: s.status,
    submittedAt: s.submitted_at,
    closedAt: s.closed_at,
  });

  async function versionText(tx: SqlExecutor, updateId: string, revision: number) {
    const v = await createUpdatesRepository(tx).version(updateId, revision);
    return v ? { title: v.title, summary: v.summary, body: docToPlainText(v.body) } : undefined;
  }

  async function read(tx: SqlExecutor, actor: Actor, updateId: string): Promise<Review> {
    const update = await currentUpdate(tx, updateId);
    const subs = await submissions(tx, updateId);
    const open = subs.find((s) => s.status === 'open');
    const commentRows = await tx.all(
      `SELECT c.id, c.update_id, c.reply_to, c.revision, c.author_id, u.name AS author_name, c.kind, c.body, c.created_at
       FROM review_comments c LEFT JOIN users u ON u.id = c.author_id
       WHERE c.update_id = $1 ORDER BY c.created_at, c.id`,
      [updateId],
    );
    const comments = commentRows.map((row) => {
      const r = CommentRow.parse(row);
      return {
        id: r.id,
        updateId: r.update_id,
        replyTo: r.reply_to,
        revision: r.revision,
        author: r.author_id ? { id: r.author_id, name: r.author_name ?? '' } : null,
        kind: r.kind,
        body: r.body,
        createdAt: r.created_at,
      };
    });
    // The latest submission against the latest earlier submission of a different revision.
    const latest = subs[0];
    const previous = latest ? subs.find((s) => s.revision < latest.revision) : undefined;
    let diff: Review['diff'] = null;
    if (latest && previous) {
      const [from, to] = [
        await versionText(tx, updateId, previous.revision),
        await versionText(tx, updateId, latest.revision),
      ];
      if (from && to) {
        diff = {
          fromRevision: previous.revision,
          toRevision: latest.revision,
          title: diffWords(from.title, to.title),
          summary: diffWords(from.summary, to.summary),
          body: diffWords(from.body, to.body),
        };
      }
    }
    const authors = await authorsOf(tx, update, open);
    const alreadyApproved = open ? (await approvalsOf(tx, open.id)).some((a) => a.approver.id === actor.id) : false;
    const canDecide =
      open !== undefined &&
      hasRole(actor, 'approver') &&
      actor.id !== null &&
      !authors.has(actor.id) &&
      !alreadyApproved &&
      (open.approver_id === null || open.approver_id === actor.id);
    return {
      updateId,
      title: update.title,
      state: update.reviewState,
      revision: update.revision,
      createdBy: update.createdBy,
      tags: update.tags,
      approvalsRequired: requiredFor(await policy(tx), update.tags),
      submissions: await Promise.all(subs.map((s) => toSubmission(tx, s))),
      comments,
      diff,
      can: {
        submit:
          hasRole(actor, 'author') && (update.reviewState === 'draft' || update.reviewState === 'changes_requested'),
        approve: canDecide,
        requestChanges: canDecide,
        comment: actor.kind === 'user',
      },
    };
  }

  /** The open submission a decision is about, checked against the revision the approver is looking at. */
  async function decisionTarget(tx: SqlExecutor, actor: UserActor, updateId: string, revision: number, verb: string) {
    requireRole(actor, ['approver'], `${verb} updates`);
    const update = await currentUpdate(tx, updateId);
    const open = await openSubmission(tx, updateId);
    if (!open) {
      throw new CoreError(
        'conflict',
        `This update is not waiting for approval (it is ${update.reviewState.replace('_', ' ')}).`,
      );
    }
    if (open.revision !== revision || update.revision !== revision) {
      throw new CoreError(
        'conflict',
        `This update changed while you were reviewing it (you saw version ${revision}, it is now version ${update.revision}). Reload it and review the latest.`,
      );
    }
    if ((await authorsOf(tx, update, open)).has(actor.id)) {
      throw new CoreError(
        'forbidden',
        `You wrote or submitted this update, so someone else must ${verb} it. That is the four-eyes rule.`,
      );
    }
    if (open.approver_id !== null && open.approver_id !== actor.id) {
      throw new CoreError(
        'forbidden',
        `This update was sent to ${open.approver_name ?? 'another approver'} to approve. Ask them, or ask the author to submit it to any approver.`,
      );
    }
    return { update, open };
  }

  return {
    policy: () => policy(db),
    requiredFor,

    async setPolicy(actor: UserActor, next: ApprovalPolicy): Promise<ApprovalPolicy> {
      requireRole(actor, ['admin'], 'change how many approvals an update needs');
      return db.transaction(async (tx) => {
        const before = await policy(tx);
        const value = JSON.stringify(next);
        const time = now().toISOString();
        const { changes } = await tx.run(
          'UPDATE team_settings SET value_json = $1, updated_at = $2, updated_by = $3 WHERE key = $4',
          [value, time, actor.id, POLICY_KEY],
        );
        if (changes === 0) {
          await tx.run('INSERT INTO team_settings (key, value_json, updated_at, updated_by) VALUES ($1, $2, $3, $4)', [
            POLICY_KEY,
            value,
            time,
            actor.id,
          ]);
        }
        await audit.record(tx, actor, {
          action: 'review.policy_changed',
          subjectType: 'settings',
          subjectId: POLICY_KEY,
          details: { before, after: next },
        });
        return next;
      });
    },

    get: (actor: Actor, updateId: string) => read(db, actor, updateId),

    async submit(actor: UserActor, input: ParsedInput<'review.submit'>): Promise<Review> {
      requireRole(actor, ['author'], 'submit updates for approval');
      const settings = await deps.readSettings();
      await db.transaction(async (tx) => {
        const update = await currentUpdate(tx, input.updateId);
        if (update.revision !== input.revision) {
          throw new CoreError(
            'conflict',
            `This update changed elsewhere (now version ${update.revision}, you have version ${input.revision}). Reload it before submitting.`,
          );
        }
        if (update.reviewState === 'in_review') {
          throw new CoreError('conflict', 'This update is already waiting for approval.');
        }
        const renderHash = renderHashOf(update, settings);
        if (update.reviewState === 'approved') {
          const approved = await tx.one(
            `SELECT render_hash FROM review_submissions WHERE update_id = $1 AND revision = $2 AND status = 'approved'
             ORDER BY submitted_at DESC LIMIT 1`,
            [update.id, update.revision],
          );
          if (approved && String(approved.render_hash) === renderHash) {
            throw new CoreError('conflict', 'This version is already approved. Edit it to make a new version.');
          }
          // Approved, but what the channels would receive has changed since (a setting, the app): it needs a new look.
          await tx.run(
            `UPDATE approvals SET voided_at = $1, void_reason = $2 WHERE update_id = $3 AND voided_at IS NULL`,
            [now().toISOString(), 'the channels would now receive something different', update.id],
          );
        }
        const check = checkUpdateForSending(update, settings, await strictestKnownLimits(tx));
        if (check.blocking > 0) {
          const blocking = check.findings.filter((f) => f.severity === 'blocking');
          throw new CoreError(
            'invalid_input',
            `Fix ${blocking.length === 1 ? 'this problem' : `these ${blocking.length} problems`} before submitting: ${blocking.map((f) => `${f.where}: ${f.message}`).join(' ')}`,
            { field: 'updateId', issues: blocking.map((f) => ({ path: f.where, message: f.message })) },
          );
        }
        const approvers = (await activeApprovers(tx)).filter((a) => a.id !== actor.id && a.id !== update.createdBy?.id);
        if (input.approverId !== null && !approvers.some((a) => a.id === input.approverId)) {
          throw new CoreError(
            'invalid_input',
            input.approverId === actor.id
              ? 'You cannot send your own update to yourself to approve. Choose someone else.'
              : 'That person is not an active approver who can approve this update. Choose another.',
            { field: 'approverId' },
          );
        }
        if (approvers.length === 0) {
          throw new CoreError(
            'conflict',
            'There is no other approver to send this to. Ask an admin to give someone the approver role.',
          );
        }
        const required = requiredFor(await policy(tx), update.tags);
        const id = newId();
        const time = now().toISOString();
        await tx.run(
          `INSERT INTO review_submissions (id, update_id, revision, content_hash, render_hash, submitted_by, approver_id,
             approvals_required, note, status, submitted_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10)`,
          [
            id,
            update.id,
            update.revision,
            update.contentHash,
            renderHash,
            actor.id,
            input.approverId,
            required,
            input.note,
            time,
          ],
        );
        await setState(tx, update.id, 'in_review');
        await addComment(
          tx,
          { updateId: update.id, submissionId: id, revision: update.revision },
          actor,
          'submitted',
          input.note,
        );
        const to = input.approverId === null ? approvers.map((a) => a.id) : [input.approverId];
        await notify(
          tx,
          to,
          update.id,
          'review_requested',
          `${actor.name} asks you to approve “${update.title || 'Untitled update'}”.`,
        );
        await audit.record(tx, actor, {
          action: 'review.submitted',
          subjectType: 'update',
          subjectId: update.id,
          contentHash: update.contentHash,
          details: { revision: update.revision, renderHash, approverId: input.approverId, approvalsRequired: required },
        });
      });
      announce(input.updateId);
      return read(db, actor, input.updateId);
    },

    async approve(actor: UserActor, input: ParsedInput<'review.approve'>): Promise<Review> {
      const settings = await deps.readSettings();
      await db.transaction(async (tx) => {
        const { update, open } = await decisionTarget(tx, actor, input.updateId, input.revision, 'approve');
        const existing = await approvalsOf(tx, open.id);
        if (existing.some((a) => a.approver.id === actor.id)) {
          throw new CoreError(
            'conflict',
            'You have already approved this version. It needs a different second approver.',
          );
        }
        const renderHash = renderHashOf(update, settings);
        if (update.contentHash !== open.content_hash || renderHash !== open.render_hash) {
          throw new CoreError(
            'conflict',
            'What the channels would receive has changed since this was submitted (a setting or the app changed). Ask the author to submit it again.',
          );
        }
        const time = now().toISOString();
        await tx.run(
          `INSERT INTO approvals (id, submission_id, update_id, revision, content_hash, render_hash, approver_id, approved_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [newId(), open.id, update.id, update.revision, update.contentHash, renderHash, actor.id, time],
        );
        const count = existing.length + 1;
        const done = count >= open.approvals_required;
        if (done) {
          await tx.run(`UPDATE review_submissions SET status = 'approved', closed_at = $1 WHERE id = $2`, [
            time,
            open.id,
          ]);
          await setState(tx, update.id, 'approved');
          // Publications scheduled before approval arrived may now go at their time.
          await tx.run(
            `UPDATE publications SET authorisation = 'approved'
             WHERE update_id = $1 AND update_revision = $2 AND authorisation = 'pending'`,
            [update.id, update.revision],
          );
        }
        const label = open.approvals_required > 1 ? ` (${count} of ${open.approvals_required})` : '';
        await addComment(
          tx,
          { updateId: update.id, submissionId: open.id, revision: update.revision },
          actor,
          'approved',
          input.note || `Approved${label}.`,
        );
        await notify(
          tx,
          [open.submitted_by, ...(update.createdBy ? [update.createdBy.id] : [])],
          update.id,
          done ? 'approved' : 'approved_partly',
          done
            ? `${actor.name} approved “${update.title || 'Untitled update'}”. It can be published.`
            : `${actor.name} approved “${update.title || 'Untitled update'}”${label}. It needs one more approval.`,
        );
        await audit.record(tx, actor, {
          action: 'review.approved',
          subjectType: 'update',
          subjectId: update.id,
          contentHash: update.contentHash,
          details: {
            revision: update.revision,
            renderHash,
            submissionId: open.id,
            approvals: count,
            required: open.approvals_required,
          },
        });
      });
      announce(input.updateId);
      return read(db, actor, input.updateId);
    },

    async requestChanges(actor: UserActor, input: ParsedInput<'review.requestChanges'>): Promise<Review> {
      await db.transaction(async (tx) => {
        const { update, open } = await decisionTarget(tx, actor, input.updateId, input.revision, 'request changes to');
        const time = now().toISOString();
        await tx.run(`UPDATE review_submissions SET status = 'changes_requested', closed_at = $1 WHERE id = $2`, [
          time,
          open.id,
        ]);
        await tx.run(
          'UPDATE approvals SET voided_at = $1, void_reason = $2 WHERE submission_id = $3 AND voided_at IS NULL',
          [time, 'changes requested', open.id],
        );
        await setState(tx, update.id, 'changes_requested');
        await addComment(
          tx,
          { updateId: update.id, submissionId: open.id, revision: update.revision },
          actor,
          'changes_requested',
          input.comment,
        );
        await notify(
          tx,
          [open.submitted_by, ...(update.createdBy ? [update.createdBy.id] : [])],
          update.id,
          'changes_requested',
          `${actor.name} asked for changes to “${update.title || 'Untitled update'}”: ${input.comment.slice(0, 200)}`,
        );
        await audit.record(tx, actor, {
          action: 'review.changes_requested',
          subjectType: 'update',
          subjectId: update.id,
          contentHash: update.contentHash,
          details: { revision: update.revision, submissionId: open.id, comment: input.comment },
        });
      });
      announce(input.updateId);
      return read(db, actor, input.updateId);
    },

    async comment(actor: UserActor, input: ParsedInput<'review.comment'>): Promise<Review> {
      await db.transaction(async (tx) => {
        const update = await currentUpdate(tx, input.updateId);
        if (input.replyTo !== null) {
          const parent = await tx.one('SELECT id FROM review_comments WHERE id = $1 AND update_id = $2', [
            input.replyTo,
            update.id,
          ]);
          if (!parent)
            throw new CoreError('not_found', 'The comment you are replying to no longer exists.', { field: 'replyTo' });
        }
        const open = await openSubmission(tx, update.id);
        const id = await addComment(
          tx,
          { updateId: update.id, submissionId: open?.id ?? null, replyTo: input.replyTo, revision: update.revision },
          actor,
          'comment',
          input.body,
        );
        const others = new Set<string>([
          ...(update.createdBy ? [update.createdBy.id] : []),
          ...(open ? [open.submitted_by, ...(open.approver_id ? [open.approver_id] : [])] : []),
        ]);
        others.delete(actor.id);
        await notify(
          tx,
          others,
          update.id,
          'comment',
          `${actor.name} commented on “${update.title || 'Untitled update'}”.`,
        );
        await audit.record(tx, actor, {
          action: 'review.commented',
          subjectType: 'update',
          subjectId: update.id,
          contentHash: update.contentHash,
          details: { commentId: id, revision: update.revision },
        });
      });
      announce(input.updateId);
      return read(db, actor, input.updateId);
    },

    async setTags(actor: UserActor, input: ParsedInput<'review.setTags'>) {
      requireRole(actor, ['author', 'approver', 'admin'], 'tag updates');
      const tags = [...new Map(input.tags.map((t) => [t.toLowerCase(), t])).values()];
      await db.transaction(async (tx) => {
        const update = await currentUpdate(tx, input.updateId);
        if (update.reviewState === 'in_review' || update.reviewState === 'approved') {
          throw new CoreError(
            'conflict',
            'Tags decide how many approvals an update needs, so they can change only while it is a draft. Edit the update first.',
            { field: 'tags' },
          );
        }
        await tx.run('UPDATE updates SET tags_json = $1 WHERE id = $2', [JSON.stringify(tags), update.id]);
        await audit.record(tx, actor, {
          action: 'update.edited',
          subjectType: 'update',
          subjectId: update.id,
          contentHash: update.contentHash,
          details: { tags },
        });
      });
      announce(input.updateId);
      return { tags };
    },

    async inbox(actor: UserActor) {
      requireRole(actor, ['approver'], 'see the approvals inbox');
      const rows = await db.all(
        `SELECT s.id, s.update_id, s.revision, s.approver_id, s.submitted_by, s.submitted_at, s.approvals_required,
           u.title, u.created_by, sb.name AS submitted_by_name,
           (SELECT count(*) FROM approvals a WHERE a.submission_id = s.id AND a.voided_at IS NULL) AS approvals_so_far,
           (SELECT count(*) FROM approvals a WHERE a.submission_id = s.id AND a.approver_id = $1) AS mine,
           (SELECT count(*) FROM update_versions v WHERE v.update_id = s.update_id AND v.revision = s.revision
              AND v.saved_by = $1) AS saved_by_me
         FROM review_submissions s JOIN updates u ON u.id = s.update_id JOIN users sb ON sb.id = s.submitted_by
         WHERE s.status = 'open' AND (s.approver_id IS NULL OR s.approver_id = $1)
         ORDER BY s.submitted_at, s.id`,
        [actor.id],
      );
      return rows
        .filter(
          (r) =>
            r.submitted_by !== actor.id &&
            r.created_by !== actor.id &&
            Number(r.mine) === 0 &&
            Number(r.saved_by_me) === 0,
        )
        .map((r) => ({
          submissionId: String(r.id),
          updateId: String(r.update_id),
          title: String(r.title),
          revision: Number(r.revision),
          submittedBy: String(r.submitted_by_name),
          submittedAt: String(r.submitted_at),
          forMe: r.approver_id === actor.id,
          approvalsRequired: Number(r.approvals_required),
          approvalsSoFar: Number(r.approvals_so_far),
        }));
    },

    /**
     * Called inside the transaction that saved a new revision: an approval (or
     * a review in progress) was for the old content, so it is voided, the
     * update goes back to draft, and a publication scheduled for later now
     * carries the new version and waits for a new approval.
     */
    async onEdited(tx: SqlExecutor, actor: Actor, before: Update, after: Update): Promise<boolean> {
      const time = now().toISOString();
      const open = await openSubmission(tx, before.id);
      if (open) {
        await tx.run(`UPDATE review_submissions SET status = 'voided', closed_at = $1 WHERE id = $2`, [time, open.id]);
      }
      const { changes: voidedApprovals } = await tx.run(
        `UPDATE approvals SET voided_at = $1, void_reason = $2 WHERE update_id = $3 AND voided_at IS NULL`,
        [time, `edited after approval (version ${after.revision})`, before.id],
      );
      const held = await tx.all(
        `SELECT p.id FROM publications p
         WHERE p.update_id = $1 AND p.authorisation IN ('approved', 'pending')
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.publication_id = p.id AND d.status <> 'scheduled')`,
        [before.id],
      );
      for (const p of held) {
        await tx.run(
          `UPDATE publications SET update_revision = $1, content_hash = $2, authorisation = 'pending' WHERE id = $3`,
          [after.revision, after.contentHash, String(p.id)],
        );
      }
      const wasReviewed = open !== undefined || voidedApprovals > 0;
      // Editing a draft, or an update sent back with changes requested, is just writing.
      if (!wasReviewed && held.length === 0) return false;
      if (wasReviewed) await setState(tx, before.id, 'draft');
      const was =
        before.reviewState === 'approved'
          ? 'The approval was for the earlier version, so it no longer counts'
          : 'The review in progress was for the earlier version';
      const heldNote =
        held.length > 0
          ? ` The scheduled publication now carries this version and goes out only if it is approved by its send time.`
          : '';
      await addComment(
        tx,
        { updateId: before.id, submissionId: open?.id ?? null, revision: after.revision },
        actor,
        'voided',
        `Edited after ${before.reviewState === 'approved' ? 'approval' : 'submission'}. ${was}; submit it again.${heldNote}`,
      );
      const approvers = await tx.all(
        `SELECT DISTINCT approver_id AS id FROM approvals WHERE update_id = $1 AND void_reason = $2`,
        [before.id, `edited after approval (version ${after.revision})`],
      );
      await notify(
        tx,
        [...approvers.map((r) => String(r.id)), ...(open?.approver_id ? [open.approver_id] : [])].filter(
          (id) => id !== actor.id,
        ),
        before.id,
        'voided',
        `“${after.title || 'Untitled update'}” was edited after you ${before.reviewState === 'approved' ? 'approved' : 'were asked to review'} it. It will be submitted again.`,
      );
      await audit.record(tx, actor, {
        action: 'review.voided',
        subjectType: 'update',
        subjectId: before.id,
        contentHash: after.contentHash,
        details: {
          fromRevision: before.revision,
          toRevision: after.revision,
          previousState: before.reviewState,
          approvalsVoided: voidedApprovals,
          submissionVoided: open?.id ?? null,
          scheduledPublicationsHeld: held.map((p) => String(p.id)),
        },
      });
      return true;
    },
    announce,

    async notifications(actor: UserActor, unreadOnly: boolean): Promise<Notification[]> {
      const rows = await db.all(
        `SELECT id, update_id, kind, message, created_at, read_at FROM notifications
         WHERE user_id = $1 ${unreadOnly ? 'AND read_at IS NULL' : ''} ORDER BY created_at DESC, id DESC LIMIT 200`,
        [actor.id],
      );
      return rows.map((r) => ({
        id: String(r.id),
        updateId: r.update_id === null ? null : String(r.update_id),
        kind: String(r.kind),
        message: String(r.message),
        createdAt: String(r.created_at),
        read: r.read_at !== null,
      }));
    },

    async markRead(actor: UserActor, ids: readonly string[]) {
      let marked = 0;
      await db.transaction(async (tx) => {
        for (const id of ids) {
          const { changes } = await tx.run(
            'UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL',
            [now().toISOString(), id, actor.id],
          );
          marked += changes;
        }
      });
      return { marked };
    },
  };
}

export type ReviewService = ReturnType<typeof createReviewService>;
