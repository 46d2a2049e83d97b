/**
 * The few MIME pieces the email sender needs, written so that their output is
 * always safe to put on the wire: no header ever carries a CR, LF or NUL
 * from its input, and no body line starts with "." (so SMTP needs no
 * dot-stuffing) or runs over 76 characters.
 */

/** Refuses a header value that could break out of its header. Used for settings, which a person must fix. */
export function assertHeaderSafe(name: string, value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\r\n\u0000]/.test(value)) throw new RangeError(`${name} cannot contain a line break`);
  return value;
}

/** Removes line breaks and control characters (for data such as a subscriber's name, which is shown, not trusted). */
export function stripControls(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;

/**
 * Header text (a subject or display name): as it is when plain ASCII,
 * otherwise RFC 2047 encoded words of UTF-8 in base64, each at most 75
 * characters, split on whole characters and folded onto continuation lines.
 */
export function encodeHeaderText(value: string): string {
  const clean = stripControls(value);
  if (ASCII_PRINTABLE.test(clean)) return foldAscii(clean);
  const words: string[] = [];
  let current = '';
  const maxBytes = 45; // 45 bytes → 60 base64 characters, + 12 for =?UTF-8?B??= = 72
  for (const char of clean) {
    if (Buffer.byteLength(current + char) > maxBytes) {
      words.push(current);
      current = '';
    }
    current += char;
  }
  if (current) words.push(current);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

/** Folds long ASCII header text at spaces so no line passes 78 characters where it can be helped. */
function foldAscii(value: string): string {
  if (value.length <= 70) return value;
  const out: string[] = [];
  let line = '';
  for (const word of value.split(' ')) {
    if (line.length > 0 && line.length + 1 + word.length > 70) {
      out.push(line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  out.push(line);
  return out.join('\r\n ');
}

/** A display name as a quoted string (or encoded words), for From and To. */
export function displayName(name: string): string {
  const clean = stripControls(name);
  if (!ASCII_PRINTABLE.test(clean)) return encodeHeaderText(clean);
  return `"${clean.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `"Name" <address>`, or just `<address>`. The address must already be valid (no spaces, brackets or breaks). */
export function mailbox(address: string, name?: string | null): string {
  assertHeaderSafe('An email address', address);
  if (/[\s<>"]/.test(address)) throw new RangeError(`"${address}" is not a plain email address`);
  const shown = name ? stripControls(name) : '';
  return shown ? `${displayName(shown)} <${address}>` : `<${address}>`;
}

const HEX = '0123456789ABCDEF';

/**
 * Quoted-printable (RFC 2045) of UTF-8 text with CRLF line breaks. Lines are
 * at most 76 characters with soft breaks; "=" and anything outside printable
 * ASCII is encoded, as is a "." at the start of a line and a space or tab
 * before a line end. `open` leaves the last line open (ending in a soft break),
 * so that another encoded piece can follow on the same logical line.
 */
export function quotedPrintable(text: string, options: { open?: boolean } = {}): string {
  const lines = text.replace(/\r\n|\r/g, '\n').split('\n');
  const out: string[] = [];
  lines.forEach((line, index) => {
    const bytes = Buffer.from(line, 'utf8');
    let current = '';
    const isLast = index === lines.length - 1;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] ?? 0;
      const atEnd = i === bytes.length - 1;
      let token: string;
      if (
        b === 0x3d ||
        b > 0x7e ||
        (b < 0x20 && b !== 0x09) ||
        ((b === 0x20 || b === 0x09) && atEnd) ||
        (b === 0x2e && current.length === 0)
      ) {
        token = `=${HEX[b >> 4]}${HEX[b & 15]}`;
      } else token = String.fromCharCode(b);
      if (current.length + token.length > 75) {
        out.push(`${current}=\r\n`);
        current = '';
        if (token === '.') token = '=2E';
      }
      current += token;
    }
    if (isLast && options.open) out.push(current.length > 0 ? `${current}=\r\n` : '');
    else out.push(`${current}\r\n`);
  });
  if (!options.open && text.endsWith('\n')) out.pop();
  return out.join('');
}

/** A piece of text that is known to be one short token (a URL): encoded as its own soft-broken lines. */
export function quotedPrintableInline(text: string): string {
  return quotedPrintable(text, { open: true });
}
