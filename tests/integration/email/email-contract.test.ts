import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { colleague } from '../../support/people.ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmailSettings } from '../../../electron/core/channels/email/email-adapter.ts';
import { callError, callOk, createScope, openTestCore } from '../store/store-suite.ts';

/** The email methods through the contract (input parsing, handlers, output parsing) on a real SQLite store. */
describe('email contract methods', () => {
  it('lists, adds, suppresses, imports and exports, with clear errors', { timeout: 60_000 }, async () => {
    const scope = createScope();
    try {
      const dir = scope.tempDir();
      const { core } = await openTestCore(scope, { dataDir: dir });
      const list = await callOk(core, 'email.lists.create', { name: 'Roads' });
      expect(list).toMatchObject({ name: 'Roads', description: '', activeCount: 0 });
      expect((await callError(core, 'email.lists.create', { name: 'roads' })).code).toBe('conflict');

      const added = await callOk(core, 'email.subscribers.add', {
        listId: list.id,
        email: ' Ann@Example.org ',
        name: 'Ann',
        consentSource: 'phone call',
      });
      expect(added).toMatchObject({ email: 'Ann@Example.org', status: 'active', added: 1 });
      const bad = await callError(core, 'email.subscribers.add', {
        listId: list.id,
        email: 'ann@',
        consentSource: 'x',
      });
      expect(bad).toMatchObject({ code: 'invalid_input', field: 'email' });
      expect(bad.message).toContain('Not a valid email address: nothing comes after the "@"');

      const file = join(dir, 'in.csv');
      writeFileSync(file, 'email,name\nbob@example.org,Bob\nnot-an-email,X\nANN@example.org,Ann\n');
      const report = await callOk(core, 'email.subscribers.import', {
        listId: list.id,
        path: file,
        consentSource: 'form',
      });
      expect(report).toMatchObject({ rows: 3, added: 1, alreadySubscribed: 1, badRows: 1 });
      expect(report.problems).toEqual([
        { line: 3, value: 'not-an-email', reason: 'invalid email address "not-an-email": it has no "@"' },
      ]);
      // The import is in the audit log under the admin who ran it; an author may not read files on the host.
      const imported = await callOk(core, 'audit.list', { action: 'subscribers.imported' });
      expect(imported.items.map((e) => e.actorName)).toEqual(['Ada Admin']);
      const sam = await colleague(core, ['author']);
      expect(
        (await callError(sam, 'email.subscribers.import', { listId: list.id, path: file, consentSource: 'form' })).code,
      ).toBe('forbidden');
      expect(
        (await callError(core, 'email.subscribers.import', { listId: list.id, path: 'in.csv', consentSource: 'f' }))
          .message,
      ).toContain('Give the full path of the file');

      const suppressed = await callOk(core, 'email.subscribers.suppress', {
        subscriberId: added.id,
        status: 'complained',
        reason: 'Spam report',
      });
      expect(suppressed.status).toBe('complained');
      expect((await callOk(core, 'email.suppressed.list', {})).items.map((s) => s.email)).toEqual(['Ann@Example.org']);
      expect((await callOk(core, 'email.lists.list', {}))[0]?.activeCount).toBe(1);

      const out = join(dir, 'out.csv');
      expect(await callOk(core, 'email.subscribers.export', { path: out, listId: list.id })).toEqual({
        path: out,
        rows: 2,
      });
      expect(readFileSync(out, 'utf8')).toContain('bob@example.org,Bob,active,form,');
      const again = await callError(core, 'email.subscribers.export', { path: out });
      expect(again).toMatchObject({
        code: 'conflict',
        message: 'A file with that name already exists: choose another name',
      });
      expect(existsSync(join(dir, 'nope'))).toBe(false);
      expect((await callError(core, 'email.subscribers.export', { path: join(dir, 'nope', 'x.csv') })).code).toBe(
        'not_found',
      );

      expect(await callError(core, 'email.send.status', { deliveryId: 'nope' })).toMatchObject({
        code: 'not_found',
        message: 'That delivery has no email send (it has not started, or is not email)',
      });
    } finally {
      await scope.dispose();
    }
  });

  it('refuses channel settings that are unsafe or wrong, naming the field', () => {
    const base = {
      host: 'smtp.example.gov.uk',
      fromName: 'Council',
      fromAddress: 'alerts@example.gov.uk',
      listIds: ['l1'],
    };
    expect(EmailSettings.parse(base)).toMatchObject({ port: 587, security: 'starttls', maxConnections: 4 });
    const issue = (s: unknown) => {
      const r = EmailSettings.safeParse(s);
      return r.success ? null : { path: r.error.issues[0]?.path.join('.'), message: r.error.issues[0]?.message };
    };
    expect(issue({ ...base, security: 'none' })).toEqual({
      path: 'security',
      message: 'Security "none" is only allowed for a relay on this machine (127.0.0.1, ::1, localhost)',
    });
    expect(issue({ ...base, host: '127.0.0.1', security: 'none' })).toBeNull();
    expect(issue({ ...base, fromName: 'Council\r\nBcc: x@y.org' })).toEqual({
      path: 'fromName',
      message: 'the from name cannot contain line breaks or control characters',
    });
    expect(issue({ ...base, fromAddress: 'alerts@example.gov.uk\r\nBcc: x@y.org' })?.path).toBe('fromAddress');
    expect(issue({ ...base, replyTo: 'nobody' })).toEqual({
      path: 'replyTo',
      message: 'The reply-to address is not a valid email address: it has no "@"',
    });
    expect(issue({ ...base, listIds: [] })).toEqual({ path: 'listIds', message: 'Choose at least one list' });
    expect(issue({ ...base, host: 'smtp.example.gov.uk\r\nX: y' })?.path).toBe('host');
  });
});
