import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { EmailSettings } from '../../../electron/core/channels/email/email-adapter.ts';
import { settingsFields, settingsValues } from '../../../renderer/src/features/channels/settings-fields.ts';
import { csvCell, csvText, fileParts, fileSlug } from '../../../renderer/src/features/subscribers/csv-download.ts';

describe('the email channel form, generated from its settings schema', () => {
  const schema = z.toJSONSchema(EmailSettings, { io: 'input', unrepresentable: 'any' });
  const fields = settingsFields(schema);
  it('offers the lists as a group of choices from the "email.lists" source', () => {
    expect(fields.find((f) => f.name === 'listIds')).toEqual({
      name: 'listIds',
      label: 'Lists',
      hint: 'Who gets the email: a person on two of these lists gets one copy.',
      type: 'choices',
      optionsFrom: 'email.lists',
      required: true,
      defaultValue: undefined,
    });
  });
  it('offers a fixed enum of an array as choices, and skips arrays it cannot offer', () => {
    const generic = settingsFields({
      type: 'object',
      properties: {
        days: { type: 'array', items: { type: 'string', enum: ['mon', 'tue'] } },
        numbers: { type: 'array', items: { type: 'number' } },
      },
    });
    expect(generic).toEqual([
      expect.objectContaining({ name: 'days', type: 'choices', options: ['mon', 'tue'], required: false }),
    ]);
  });
  it('needs at least one list, and passes the chosen ids as an array', () => {
    const lists = fields.filter((f) => f.name === 'listIds');
    expect(settingsValues(lists, {}).errors).toEqual({ listIds: 'Choose at least one of the lists' });
    expect(settingsValues(lists, { listIds: ['a', 'b'] })).toEqual({ values: { listIds: ['a', 'b'] }, errors: {} });
  });
});

describe('CSV built in the browser', () => {
  it('quotes every cell and defuses spreadsheet formulas, as the audit export does', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('@a')).toBe(`"'@a"`);
    expect(csvCell('-2')).toBe(`"'-2"`);
    expect(csvCell('\tx')).toBe(`"'\tx"`);
    expect(csvCell(null)).toBe('""');
    expect(csvCell(42)).toBe('"42"');
    expect(csvText(['a', 'b'], [['x,y', null]])).toBe('"a","b"\r\n"x,y",""\r\n');
    expect(fileSlug('Bin collections (north)')).toBe('bin-collections-north');
    expect(fileSlug('***')).toBe('list');
  });
  it('splits a file into parts of at most the byte limit, never cutting a character', async () => {
    const text = `email,name\n${'zoë@example.org,Zoë 🎉\n'.repeat(500)}`;
    const parts: string[] = [];
    for await (const part of fileParts(new Blob([text]), 1000)) parts.push(part.text);
    expect(parts.join('')).toBe(text);
    expect(parts.length).toBeGreaterThan(10);
    for (const part of parts) expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(1000);
    expect(parts.some((p) => p.includes('\ufffd'))).toBe(false);
  });
});
