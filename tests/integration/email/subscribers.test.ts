import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../electron/core/email/audit.ts';
import { importSubscribers } from '../../../electron/core/email/subscriber-import.ts';
import { exportSubscribers } from '../../../electron/core/email/subscriber-export.ts';
import { createSubscribersRepository } from '../../../electron/core/email/subscribers-repository.ts';
import type { SqlDb } from '../../../electron/core/store/sql.ts';
import { ENGINES, emailStores } from './email-store.ts';

const stores = emailStores();

function setup(db: SqlDb) {
  const audit: AuditEntry[] = [];
  const repo = createSubscribersRepository({ db, audit: { record: async (_tx, entry) => void audit.push(entry) } });
  return { repo, audit };
}

const person = (email: string, name: string | null = null) => ({ email, emailKey: email.toLowerCase(), name });

describe.each(ENGINES)('subscribers on $engine', ({ engine }) => {
  it('creates lists with unique names (ignoring case) and counts only active members', async () => {
    const { db } = await stores.open(engine);
    const { repo } = setup(db);
    const bins = await repo.createList({ name: 'Bin collections' });
    await expect(repo.createList({ name: 'BIN COLLECTIONS' })).rejects.toMatchObject({
      code: 'conflict',
      message: 'There is already a list called "BIN COLLECTIONS"',
    });
    await repo.add(bins.id, person('Ann@Example.org', 'Ann'), 'added by hand');
    const bob = await repo.add(bins.id, person('bob@example.org'), 'added by hand');
    expect((await repo.getList(bins.id)).activeCount).toBe(2);
    await repo.suppress(bob.id, 'bounced', { actor: 'test', reason: 'hard bounce' });
    expect((await repo.getList(bins.id)).activeCount).toBe(1);
    expect((await repo.lists()).map((l) => l.name)).toEqual(['Bin collections']);
  });

  it('merges an address in any case into one subscriber and never reactivates a suppressed one', async () => {
    const { db } = await stores.open(engine);
    const { repo, audit } = setup(db);
    const bins = await repo.createList({ name: 'Bins' });
    const roads = await repo.createList({ name: 'Roads' });
    const first = await repo.add(bins.id, person('Ann@Example.org', 'Ann'), 'website form');
    expect(first).toMatchObject({ email: 'Ann@Example.org', status: 'active', added: 1, merged: 0 });
    await repo.suppress(first.id, 'unsubscribed', { actor: 'resident', reason: 'one-click', listId: bins.id });
    const again = await repo.add(roads.id, person('ANN@example.ORG', 'Someone else'), 'added by hand');
    expect(again).toMatchObject({
      id: first.id,
      status: 'unsubscribed',
      name: 'Ann',
      added: 0,
      merged: 1,
      suppressed: 1,
    });
    expect(again.listIds.sort()).toEqual([bins.id, roads.id].sort());
    expect(await db.one('SELECT count(*) AS n FROM subscribers')).toEqual({ n: 1 });
    expect(audit).toEqual([
      {
        action: 'subscriber.unsubscribed',
        subjectType: 'subscriber',
        subjectId: first.id,
        details: { from: 'active', actor: 'resident', reason: 'one-click', listId: bins.id },
      },
    ]);
    // Suppressing again with the same status changes nothing and writes no audit entry.
    expect(await repo.suppress(first.id, 'unsubscribed', { actor: 'x', reason: 'y' })).toBe(false);
    expect(audit).toHaveLength(1);
  });

  it('removes a person from one list only, and says when they were not on it', async () => {
    const { db } = await stores.open(engine);
    const { repo } = setup(db);
    const bins = await repo.createList({ name: 'Bins' });
    const roads = await repo.createList({ name: 'Roads' });
    const ann = await repo.add(bins.id, person('ann@example.org'), 'hand');
    await repo.add(roads.id, person('ann@example.org'), 'hand');
    await repo.removeFromList(bins.id, ann.id);
    expect((await repo.get(ann.id))?.listIds).toEqual([roads.id]);
    await expect(repo.removeFromList(bins.id, ann.id)).rejects.toMatchObject({
      code: 'not_found',
      message: 'That person is not on that list',
    });
    await expect(repo.add('no-such-list', person('x@example.org'), 'hand')).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('imports a CSV, reporting each bad row with its line and reason, merging duplicates in any case', async () => {
    const { db } = await stores.open(engine);
    const { repo, audit } = setup(db);
    const list = await repo.createList({ name: 'Roads' });
    await repo.add(list.id, person('known@example.org'), 'website form');
    const csv = [
      'Email,Name', // 1
      'ann@example.org,Ann', // 2
      'ANN@EXAMPLE.ORG,Ann again', // 3: duplicate in the file
      'Known@Example.org,Known', // 4: already subscribed
      'not-an-address,Nobody', // 5
      'bob@example', // 6: missing the name column
      '"carol@example.org","Carol\nSmith"', // 7-8: a line break in the name
      'dan@example.org,Dan,extra', // 9
      '', // 10: blank
      `${'x'.repeat(250)}@example.org,Long`, // 11
      'eve@example.org,"Eve \u0007"', // 12
      'fay@example.org,' + 'F'.repeat(201), // 13
      'gus@example.org,Gus', // 14
    ].join('\r\n');
    const report = await importSubscribers(
      { db, repo, audit: { record: async (_t, e) => void audit.push(e) } },
      Readable.from([csv]),
      {
        listId: list.id,
        consentSource: 'import: roads.csv',
        consentAt: '2026-11-01T00:00:00.000Z',
        batchSize: 2,
      },
    );
    expect(report).toMatchObject({
      rows: 11,
      added: 2,
      alreadySubscribed: 1,
      duplicatesInFile: 1,
      suppressed: 0,
      badRows: 7,
      problemsNotListed: 0,
    });
    expect(report.problems).toEqual([
      { line: 5, value: 'not-an-address', reason: 'invalid email address "not-an-address": it has no "@"' },
      { line: 6, value: 'bob@example', reason: 'the "name" column is missing (1 of 2 columns)' },
      { line: 7, value: 'carol@example.org', reason: 'the name contains a line break' },
      {
        line: 9,
        value: 'dan@example.org',
        reason: 'it has 3 columns but the header has 2 (is there an unquoted comma?)',
      },
      {
        line: 11,
        value: `${'x'.repeat(80)}…`,
        reason: expect.stringMatching(/^invalid email address ".*…": it is longer than 254 characters$/),
      },
      { line: 12, value: 'eve@example.org', reason: 'the name contains a control character' },
      { line: 13, value: 'fay@example.org', reason: 'the name is longer than 200 characters (201)' },
    ]);
    const ann = await repo.byEmail('ann@example.org');
    expect(ann).toMatchObject({
      email: 'ann@example.org',
      name: 'Ann',
      consentSource: 'import: roads.csv',
      status: 'active',
    });
    expect((await repo.byEmail('known@example.org'))?.consentSource).toBe('website form');
    expect(audit.filter((a) => a.action === 'subscribers.import').length).toBeGreaterThan(0);
    expect(audit.every((a) => a.subjectId === list.id)).toBe(true);
  });

  it('refuses a file without an email column, an empty file and a missing file, changing nothing', async () => {
    const { db } = await stores.open(engine);
    const { repo } = setup(db);
    const list = await repo.createList({ name: 'Roads' });
    const options = { listId: list.id, consentSource: 's', consentAt: '2026-11-01T00:00:00.000Z' };
    await expect(
      importSubscribers({ db, repo }, Readable.from(['address,name\na@b.org,A\n']), options),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'The first line must name the columns, one of them "email" (it reads: "address,name")',
    });
    await expect(importSubscribers({ db, repo }, Readable.from(['']), options)).rejects.toMatchObject({
      message: 'The file is empty: it has no header line',
    });
    await expect(importSubscribers({ db, repo }, '/nonexistent/file.csv', options)).rejects.toMatchObject({
      code: 'not_found',
      message: 'The file to import does not exist',
    });
    await expect(
      importSubscribers({ db, repo }, Readable.from(['email\na@b.org\n']), { ...options, listId: 'nope' }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await db.one('SELECT count(*) AS n FROM subscribers')).toEqual({ n: 0 });
  });

  it('reports an unclosed quote at the line it opens, and what could not be read', async () => {
    const { db } = await stores.open(engine);
    const { repo } = setup(db);
    const list = await repo.createList({ name: 'Roads' });
    const report = await importSubscribers(
      { db, repo },
      Readable.from(['email\na@example.org\n"b@example.org\nc@example.org\n']),
      {
        listId: list.id,
        consentSource: 's',
        consentAt: '2026-11-01T00:00:00.000Z',
      },
    );
    expect(report.added).toBe(1);
    expect(report.problems).toEqual([
      {
        line: 3,
        value: '',
        reason: 'a quote opened on this line is never closed, so the rest of the file could not be read',
      },
    ]);
  });

  it('exports a list as CSV, streamed page by page, with formulas defused', async () => {
    const { db } = await stores.open(engine);
    const { repo } = setup(db);
    const list = await repo.createList({ name: 'Roads' });
    const other = await repo.createList({ name: 'Other' });
    for (let i = 0; i < 5; i++)
      await repo.add(list.id, person(`p${i}@example.org`, i === 0 ? '=HYPERLINK("x")' : `P, ${i}`), 'hand');
    await repo.add(other.id, person('elsewhere@example.org'), 'hand');
    const csv = await text(exportSubscribers(repo, { listId: list.id }, 2));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('email,name,status,consent_source,consent_at,status_changed_at');
    expect(lines).toHaveLength(6);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toContain('"P, 3"');
    expect(csv).not.toContain('elsewhere@example.org');
  });
});
