import { describe, expect, test } from 'vitest';
import { AuditAction } from '../../../shared/domain/audit.ts';
import {
  actionGroups,
  actionInWords,
  csvFileName,
  detailsInWords,
  londonDayRange,
  parseUkDate,
  subjectInWords,
} from '../../../renderer/src/features/audit/audit-words.ts';
import {
  parseTags,
  policyInWords,
  rolesInWords,
  savedRolesMessage,
} from '../../../renderer/src/features/people/describe-person.ts';
import { fieldErrorOf } from '../../../renderer/src/features/people/core-error.ts';
import { CrierError } from '../../../renderer/src/api.ts';

describe('UK dates for the audit filter', () => {
  test('day/month/year in the usual spellings, and ISO', () => {
    expect(parseUkDate('26/11/2026')).toEqual({ date: '2026-11-26' });
    expect(parseUkDate(' 1.2.2026 ')).toEqual({ date: '2026-02-01' });
    expect(parseUkDate('01-02-2026')).toEqual({ date: '2026-02-01' });
    expect(parseUkDate('2026-02-01')).toEqual({ date: '2026-02-01' });
  });
  test('a date that does not exist, or is not a date, says so', () => {
    expect(parseUkDate('31/02/2026')).toEqual({ error: '31/02/2026 is not a real date. Check the day and the month.' });
    expect(parseUkDate('29/02/2027')).toHaveProperty('error');
    expect(parseUkDate('29/02/2028')).toEqual({ date: '2028-02-29' });
    expect(parseUkDate('11/26/26')).toEqual({ error: 'Enter a date like 26/11/2026 (day, month, year).' });
  });
  test('a range covers whole London days, in GMT and in BST', () => {
    expect(londonDayRange('26/11/2026', '26/11/2026')).toEqual({
      from: '2026-11-26T00:00:00.000Z',
      to: '2026-11-26T23:59:59.999Z',
    });
    // 1 July is BST: the London day starts at 23:00 UTC the day before.
    expect(londonDayRange('01/07/2026', '01/07/2026')).toEqual({
      from: '2026-06-30T23:00:00.000Z',
      to: '2026-07-01T22:59:59.999Z',
    });
    // The day the clocks go forward (29 March 2026) is 23 hours long; the day they go back, 25.
    expect(londonDayRange('29/03/2026', '29/03/2026')).toEqual({
      from: '2026-03-29T00:00:00.000Z',
      to: '2026-03-29T22:59:59.999Z',
    });
    expect(londonDayRange('25/10/2026', '25/10/2026')).toEqual({
      from: '2026-10-24T23:00:00.000Z',
      to: '2026-10-25T23:59:59.999Z',
    });
    // 31 December rolls over to the next year.
    expect(londonDayRange('', '31/12/2026')).toEqual({ to: '2026-12-31T23:59:59.999Z' });
    expect(londonDayRange('', '')).toEqual({});
  });
  test('errors name the field', () => {
    expect(londonDayRange('27/11/2026', '26/11/2026')).toEqual({
      error: 'The “to” date is before the “from” date.',
      field: 'to',
    });
    expect(londonDayRange('nope', '')).toMatchObject({ field: 'from' });
  });
  test('the CSV file name carries the UK date', () => {
    expect(csvFileName(new Date('2026-06-30T23:30:00Z'))).toBe('town-crier-audit-log-2026-07-01.csv');
  });
});

describe('the audit log in words', () => {
  test('every action has words and a group', () => {
    const grouped = actionGroups().flatMap((g) => g.actions.map((a) => a.value));
    expect(grouped.sort()).toEqual([...AuditAction.options].sort());
    expect(actionInWords('review.approved')).toBe('Approved');
    expect(actionInWords('something.new')).toBe('something.new');
  });
  test('details and subjects', () => {
    expect(detailsInWords({ action: 'user.changed', details: { changed: ['roles', 'disabled'] } })).toBe(
      'Changed: roles, disabled',
    );
    expect(detailsInWords({ action: 'auth.sign_in_failed', details: { email: 'a@b.c', reason: 'disabled' } })).toBe(
      'a@b.c (account disabled)',
    );
    expect(detailsInWords({ action: 'publication.urgent', details: { reason: 'x'.repeat(200) } })).toHaveLength(120);
    expect(detailsInWords({ action: 'auth.signed_in', details: {} })).toBeNull();
    const names = new Map([['u1', 'Sam Author']]);
    expect(subjectInWords({ subjectType: 'user', subjectId: 'u1', details: {} }, names)).toBe('Sam Author');
    expect(subjectInWords({ subjectType: 'update', subjectId: 'abcdef123456', details: { title: 'A6' } }, names)).toBe(
      'Update “A6”',
    );
    expect(subjectInWords({ subjectType: 'settings', subjectId: 'approvals', details: {} }, names)).toBe(
      'Approval rules',
    );
    expect(subjectInWords({ subjectType: 'delivery', subjectId: '0123456789', details: {} }, names)).toBe(
      'Delivery 01234567',
    );
  });
});

describe('people in words', () => {
  test('roles, saved roles and the approval rule', () => {
    expect(rolesInWords(['author'])).toBe('Author');
    expect(rolesInWords(['author', 'approver', 'admin'])).toBe('Author, Approver and Admin');
    expect(
      savedRolesMessage({
        id: 'x',
        name: 'Sam',
        email: 's@c.uk',
        roles: ['approver'],
        urgent: true,
        disabled: false,
        createdAt: '2026-11-26T00:00:00Z',
      }),
    ).toBe('Saved. Sam is now Approver, with urgent publishing.');
    expect(policyInWords({ required: 1, twoForTags: [] })).toBe(
      'Every update needs one approval before it is published.',
    );
    expect(policyInWords({ required: 1, twoForTags: ['Corporate', 'Elections', 'Budget'] })).toBe(
      'Every update needs one approval before it is published. Updates tagged “Corporate”, “Elections” or “Budget” need two.',
    );
    expect(policyInWords({ required: 2, twoForTags: ['Corporate'] })).toBe(
      'Every update needs two approvals before it is published.',
    );
    expect(parseTags(' Corporate, ,Elections, corporate ')).toEqual(['Corporate', 'Elections']);
  });
  test("the core's refusal is split into its field and a message without the path", () => {
    expect(
      fieldErrorOf(
        new CrierError({
          code: 'invalid_input',
          message: 'Invalid input: twoForTags.1: A tag uses letters',
          field: 'twoForTags.1',
        }),
      ),
    ).toEqual({ field: 'twoForTags', message: 'A tag uses letters' });
    expect(fieldErrorOf(new CrierError({ code: 'conflict', message: 'Only admin.', field: 'roles' }))).toEqual({
      field: 'roles',
      message: 'Only admin.',
    });
    expect(fieldErrorOf(new Error('offline'))).toEqual({ field: null, message: 'offline' });
  });
});
