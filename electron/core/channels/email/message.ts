import { createHash, randomBytes } from 'node:crypto';
import { escapeHtml } from '../../../../shared/content/render.ts';
import { assertHeaderSafe, encodeHeaderText, mailbox, quotedPrintable, quotedPrintableInline } from './mime.ts';

/**
 * An email publication as bytes: the body is rendered and MIME-encoded once
 * per publication (multipart/alternative, plain text then HTML, both
 * quoted-printable; with images, that inside a multipart/related whose other
 * parts are the images in base64), split where each recipient's unsubscribe
 * link goes.
 * Each recipient's message is then a handful of headers plus the shared
 * pieces with their link spliced in, never a MIME build of its own.
 */

/** What the renderer writes where each recipient's unsubscribe link goes. */
export const UNSUBSCRIBE_PLACEHOLDER = '{{unsubscribe_url}}';

export type SharedMessageInput = {
  subject: string;
  text: string;
  html: string;
  from: { address: string; name: string };
  replyTo?: string | undefined;
  /** RFC 2919 List-Id: a name and a dotted id (e.g. roads.lists.example.gov.uk). */
  listId: { name: string; id: string };
  date: Date;
  /**
   * Images the HTML shows as `cid:` URLs: sent inside the message
   * (multipart/related around the multipart/alternative), base64-encoded here
   * once for every recipient.
   */
  images?: readonly InlineImage[];
};

/** One image carried inside the message; the HTML refers to it as `cid:<contentId>`. */
export type InlineImage = { contentId: string; contentType: string; bytes: Uint8Array; filename: string };

/** The Content-ID of a stored image (media ids are UUIDs): `<id>@town-crier`. */
export function contentIdFor(mediaId: string): string {
  if (!/^[A-Za-z0-9-]{1,100}$/.test(mediaId)) throw new RangeError('An image id must be letters, digits and "-"');
  return `${mediaId}@town-crier`;
}

/** Base64 in lines of 76 characters, CRLF-terminated (RFC 2045); no line can start with ".". */
function base64Lines(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('base64');
  let out = '';
  for (let i = 0; i < text.length; i += 76) out += `${text.slice(i, i + 76)}\r\n`;
  return out;
}

export type SharedMessage = {
  /** Headers every recipient gets, CRLF-terminated. */
  head: Buffer;
  /** The body split at each link: pieces[0], link, pieces[1], link, … */
  pieces: Buffer[];
  /** For each link slot, how it is written: inside HTML (escaped) or text. */
  slots: ('text' | 'html')[];
  fromDomain: string;
};

export type RecipientHeaders = {
  to: { address: string; name: string | null };
  messageId: string;
  /** https URL of the one-click unsubscribe endpoint for this recipient. */
  unsubscribeUrl: string;
  /** mailto: address for List-Unsubscribe (RFC 2369), when the council runs one. */
  unsubscribeMailto?: string | undefined;
};

function rfc2822Date(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/** A stable Message-ID for one (delivery, recipient): a retry of the same message reuses it. */
export function messageIdFor(deliveryId: string, subscriberId: string, domain: string): string {
  const hash = createHash('sha256').update(`${deliveryId}\n${subscriberId}`).digest('base64url').slice(0, 32);
  return `<${hash}.tc@${domain}>`;
}

export function buildSharedMessage(input: SharedMessageInput): SharedMessage {
  const fromAddress = assertHeaderSafe('The from address', input.from.address);
  const fromDomain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1);
  assertHeaderSafe('The list id', input.listId.id);
  if (!/^[A-Za-z0-9.-]+$/.test(input.listId.id))
    throw new RangeError('The list id must be a dotted name such as roads.example.gov.uk');
  const boundary = `tc-${randomBytes(12).toString('hex')}`;
  const images = input.images ?? [];
  const related = images.length > 0 ? `tc-r-${randomBytes(12).toString('hex')}` : null;
  const head = [
    `From: ${mailbox(fromAddress, input.from.name)}`,
    ...(input.replyTo ? [`Reply-To: ${mailbox(assertHeaderSafe('The reply-to address', input.replyTo))}`] : []),
    `Subject: ${encodeHeaderText(input.subject)}`,
    `Date: ${rfc2822Date(input.date)}`,
    'MIME-Version: 1.0',
    `List-Id: ${encodeHeaderText(input.listId.name)} <${input.listId.id}>`,
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    'Auto-Submitted: auto-generated',
    'Precedence: bulk',
    related
      ? `Content-Type: multipart/related; type="multipart/alternative"; boundary="${related}"`
      : `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ].join('\r\n');

  const pieces: string[] = [];
  const slots: ('text' | 'html')[] = [];
  let current = related ? `--${related}\r\nContent-Type: multipart/alternative; boundary="${boundary}"\r\n\r\n` : '';
  current += `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`;
  const addPart = (content: string, kind: 'text' | 'html') => {
    const parts = content.split(UNSUBSCRIBE_PLACEHOLDER);
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      current += quotedPrintable(part, { open: !last });
      if (!last) {
        pieces.push(current);
        slots.push(kind);
        current = '';
      }
    });
    if (!current.endsWith('\r\n')) current += '\r\n';
  };
  addPart(input.text, 'text');
  current += `--${boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`;
  addPart(input.html, 'html');
  current += `--${boundary}--\r\n`;
  if (related) {
    for (const image of images) {
      const name = image.filename.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60);
      current +=
        `--${related}\r\nContent-Type: ${assertHeaderSafe('An image type', image.contentType)}\r\n` +
        `Content-Transfer-Encoding: base64\r\nContent-ID: <${assertHeaderSafe('A Content-ID', image.contentId)}>\r\n` +
        `Content-Disposition: inline; filename="${name}"\r\n\r\n${base64Lines(image.bytes)}`;
    }
    current += `--${related}--\r\n`;
  }
  pieces.push(current);
  return { head: Buffer.from(`${head}\r\n`), pieces: pieces.map((p) => Buffer.from(p)), slots, fromDomain };
}

/** The complete message for one recipient, ready for SMTP DATA (ends in CRLF; no line starts with "."). */
export function recipientMessage(shared: SharedMessage, r: RecipientHeaders): Buffer {
  const url = assertHeaderSafe('The unsubscribe URL', r.unsubscribeUrl);
  if (!/^https?:\/\/[^\s<>"]+$/.test(url)) throw new RangeError('The unsubscribe URL must be an http(s) URL');
  const unsubscribe = [`<${url}>`];
  if (r.unsubscribeMailto) {
    const mailto = assertHeaderSafe('The unsubscribe mailto address', r.unsubscribeMailto);
    if (/[\s<>"]/.test(mailto)) throw new RangeError('The unsubscribe mailto address is not a plain email address');
    unsubscribe.push(`<mailto:${mailto}?subject=unsubscribe>`);
  }
  const headers = Buffer.from(
    [
      `To: ${mailbox(r.to.address, r.to.name)}`,
      `Message-ID: ${assertHeaderSafe('The Message-ID', r.messageId)}`,
      `List-Unsubscribe: ${unsubscribe.join(',\r\n ')}`,
      '',
      '',
    ].join('\r\n'),
  );
  const encoded = {
    text: Buffer.from(quotedPrintableInline(url)),
    html: Buffer.from(quotedPrintableInline(escapeHtml(url))),
  };
  const parts: Buffer[] = [shared.head, headers];
  shared.pieces.forEach((piece, i) => {
    parts.push(piece);
    const slot = shared.slots[i];
    if (slot) parts.push(encoded[slot]);
  });
  return Buffer.concat(parts);
}
