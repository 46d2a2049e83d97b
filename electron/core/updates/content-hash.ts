import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash approvals bind to: the exact title, summary, body, channels and per-channel edits. */
export function contentHashOf(content: {
  title: string;
  summary: string;
  body: unknown;
  channels?: readonly string[];
  variants?: unknown;
}): string {
  return sha256Hex(
    canonicalJson({
      title: content.title,
      summary: content.summary,
      body: content.body,
      channels: content.channels ?? [],
      variants: content.variants ?? {},
    }),
  );
}
