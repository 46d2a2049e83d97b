import { z } from 'zod';

/** One input of "Connect a channel", read from the adapter's settings JSON Schema. */
export type SettingsField = {
  name: string;
  label: string;
  hint: string | undefined;
  type: 'text' | 'url' | 'number' | 'checkbox' | 'select';
  /** The choices of a `select` (a string enum in the schema). */
  options?: string[];
  required: boolean;
  defaultValue: string | number | boolean | undefined;
};

const Property = z
  .object({
    type: z.union([z.string(), z.array(z.string())]).optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    format: z.string().optional(),
    enum: z.array(z.unknown()).optional(),
    default: z.unknown().optional(),
  })
  .loose();

const ObjectSchema = z
  .object({
    properties: z.record(z.string(), Property).default({}),
    required: z.array(z.string()).default([]),
  })
  .loose();

/** "siteUrl" → "Site URL": a label when the schema gives no title. */
export function labelFor(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .replace(/\burl\b/g, 'URL');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The form fields for a channel kind, generated from its settings schema so a
 * new adapter needs no UI code: strings become text (or web address) inputs,
 * a string with a fixed set of values a select, numbers number inputs,
 * booleans checkboxes. Anything else (lists) is not offered.
 */
export function settingsFields(schema: unknown): SettingsField[] {
  const parsed = ObjectSchema.safeParse(schema);
  if (!parsed.success) return [];
  const fields: SettingsField[] = [];
  for (const [name, prop] of Object.entries(parsed.data.properties)) {
    const types = Array.isArray(prop.type) ? prop.type : [prop.type];
    const options = prop.enum?.every((o) => typeof o === 'string') ? (prop.enum as string[]) : undefined;
    const type = types.includes('string')
      ? options
        ? 'select'
        : prop.format === 'uri'
          ? 'url'
          : 'text'
      : types.includes('number') || types.includes('integer')
        ? 'number'
        : types.includes('boolean')
          ? 'checkbox'
          : undefined;
    if (type === undefined) continue;
    const d = prop.default;
    fields.push({
      name,
      label: prop.title ?? labelFor(name),
      hint: prop.description,
      type,
      ...(type === 'select' ? { options } : {}),
      required: parsed.data.required.includes(name),
      defaultValue: typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean' ? d : undefined,
    });
  }
  return fields;
}

/** The typed values of a filled-in form: empty optional fields are left out so the adapter's defaults apply. */
export function settingsValues(
  fields: readonly SettingsField[],
  raw: Readonly<Record<string, string | boolean>>,
): { values: Record<string, unknown>; errors: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const v = raw[f.name];
    if (f.type === 'checkbox') {
      // Untouched, a checkbox keeps the schema's default (a setting that is on unless turned off stays on).
      values[f.name] = typeof v === 'boolean' ? v : f.defaultValue === true;
      continue;
    }
    const text = typeof v === 'string' ? v.trim() : '';
    if (text === '') {
      if (f.required) errors[f.name] = `Enter ${f.label.toLowerCase()}`;
      continue;
    }
    if (f.type === 'number') {
      const n = Number(text);
      if (!Number.isFinite(n)) errors[f.name] = `${f.label} must be a number`;
      else values[f.name] = n;
    } else values[f.name] = text;
  }
  return { values, errors };
}
