import { createHash, verify, type KeyObject } from 'node:crypto';

/**
 * An independent DKIM check (RFC 6376, relaxed/relaxed, rsa-sha256) for the
 * tests: written from the RFC, not shared with the signer, so a signature it
 * accepts is one a receiving server would accept with the same public key.
 */
export type DkimCheck = { ok: boolean; bodyHashOk: boolean; signedHeaders: string[]; domain: string; selector: string };

type Field = { name: string; value: string };

function fieldsOf(head: string): Field[] {
  const fields: Field[] = [];
  for (const line of head.split('\r\n')) {
    if (line === '') continue;
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) last.value += `\r\n${line}`;
    else {
      const colon = line.indexOf(':');
      fields.push({ name: line.slice(0, colon), value: line.slice(colon + 1) });
    }
  }
  return fields;
}

const relaxedHeader = (f: Field) =>
  `${f.name.trim().toLowerCase()}:${f.value
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim()}`;

function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
}

export function verifyDkim(raw: Buffer, publicKey: KeyObject): DkimCheck {
  const text = raw.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const fields = fieldsOf(text.slice(0, split));
  const body = text.slice(split + 4);
  const signature = fields.find((f) => f.name.toLowerCase() === 'dkim-signature');
  if (!signature) return { ok: false, bodyHashOk: false, signedHeaders: [], domain: '', selector: '' };
  const tags = Object.fromEntries(
    signature.value
      .replace(/\s+/g, '')
      .split(';')
      .filter((t) => t.includes('='))
      .map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]),
  );
  const bodyHash = createHash('sha256').update(relaxedBody(body), 'latin1').digest('base64');
  const names = String(tags.h ?? '').split(':');
  // Each listed name takes the last not-yet-used field of that name (RFC 6376 §5.4.2).
  const used = new Set<Field>();
  const signed: string[] = [];
  for (const name of names) {
    const match = [...fields].reverse().find((f) => f.name.toLowerCase() === name && !used.has(f) && f !== signature);
    if (match) {
      used.add(match);
      signed.push(`${relaxedHeader(match)}\r\n`);
    }
  }
  const withoutB = { name: signature.name, value: signature.value.replace(/(^|;)(\s*b=)[^;]*/, '$1$2') };
  const data = signed.join('') + relaxedHeader(withoutB);
  const ok =
    tags.a === 'rsa-sha256' &&
    tags.c === 'relaxed/relaxed' &&
    verify('sha256', Buffer.from(data, 'latin1'), publicKey, Buffer.from(String(tags.b), 'base64'));
  return {
    ok: ok && bodyHash === tags.bh,
    bodyHashOk: bodyHash === tags.bh,
    signedHeaders: names,
    domain: String(tags.d),
    selector: String(tags.s),
  };
}
