import { z } from 'zod';

/** One input of "Connect a channel", read from the adapter's settings JSON Schema. */
export type SettingsField = {
  name: string;
  label: string;
  hint: string | undefined;
  type: 'text' | 'url' | 'number' | 'checkbox' | 'select' | 'choices';
  /** The choices of a `select` (a string enum in the schema), or the fixed choices of `choices`. */
  options?: string[];
  /**
   * `choices` (an array of strings): where its options come from when they are
   * data (the schema's `x-options`, e.g. "email.lists"; see option-sources.ts).
   */
  optionsFrom?: string;
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
    items: z
      .object({ type: z.unknown().optional(), enum: z.array(z.unknown()).optional() })
      .loose()
      .optional(),
    'x-options': z.string().optional(),
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
 * booleans checkboxes, and an array of strings a group of checkboxes whose
 * options are the items' enum or come from a named source (`x-options`).
 * Anything else (objects, arrays of other things) is not offered.
 */
export function settingsFields(schema: unknown): SettingsField[] {
  const parsed = ObjectSchema.safeParse(schema);
  if (!parsed.success) return [];
  const fields: SettingsField[] = [];
  for (const [name, prop] of Object.entries(parsed.data.properties)) {
    const types = Array.isArray(prop.type) ? prop.type : [prop.type];
    const options = prop.enum?.every((o) => typeof o === 'string') ? (prop.enum as string[]) : undefined;
    const itemOptions = prop.items?.enum?.every((o) => typeof o === 'string')
      ? (prop.items.enum as string[])
      : undefined;
    const choices =
      types.includes('array') && prop.items?.type === 'string' && (itemOptions !== undefined || prop['x-options']);
    const type = choices
      ? 'choices'
      : types.includes('string')
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
      ...(type === 'choices' && itemOptions ? { options: itemOptions } : {}),
      ...(type === 'choices' && prop['x-options'] ? { optionsFrom: prop['x-options'] } : {}),
      required: parsed.data.required.includes(name),
      defaultValue: typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean' ? d : undefined,
    });
  }
  return fields;
}

/** The typed values of a filled-in form: empty optional fields are left out so the adapter's defaults apply. */
export type RawValue = string | boolean | readonly string[];

export function settingsValues(
  fields: readonly SettingsField[],
  raw: Readonly<Record<string, RawValue>>,
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
    if (f.type === 'choices') {
      const chosen = Array.isArray(v) ? [...(v as readonly string[])] : [];
      if (chosen.length > 0) values[f.name] = chosen;
      else if (f.required) errors[f.name] = `Choose at least one of the ${f.label.toLowerCase()}`;
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
