import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import {
  buildSharedMessage,
  messageIdFor,
  recipientMessage,
  UNSUBSCRIBE_PLACEHOLDER,
} from '../../../electron/core/channels/email/message.ts';
import { encodeHeaderText, mailbox, quotedPrintable } from '../../../electron/core/channels/email/mime.ts';

const url = 'https://alerts.example.gov.uk/u/eyJhIjoiYiJ9.' + 'x'.repeat(43);

function shared(overrides: Partial<Parameters<typeof buildSharedMessage>[0]> = {}) {
  return buildSharedMessage({
    subject: 'Roadworks on the High Street – été',
    text: `Roadworks\n\n.A line starting with a dot\nUnsubscribe: ${UNSUBSCRIBE_PLACEHOLDER}\n`,
    html: `<!DOCTYPE html><html lang="en-GB"><body><h1>Roadworks £5</h1><p>${'Long text '.repeat(30)}</p><p><a href="${UNSUBSCRIBE_PLACEHOLDER}">Unsubscribe</a></p></body></html>\n`,
    from: { address: 'alerts@example.gov.uk', name: 'Example Council' },
    replyTo: 'contact@example.gov.uk',
    listId: { name: 'Roads', id: 'roads.lists.example.gov.uk' },
    date: new Date('2026-11-26T10:00:00Z'),
    ...overrides,
  });
}

describe('email messages', () => {
  it('builds a multipart/alternative message that mailparser reads back exactly, with every header', async () => {
    const s = shared();
    const raw = recipientMessage(s, {
      to: { address: 'ann@example.org', name: 'Ann Jones' },
      messageId: messageIdFor('delivery-1', 'sub-1', s.fromDomain),
      unsubscribeUrl: url,
      unsubscribeMailto: 'unsubscribe@example.gov.uk',
    });
    const text = raw.toString('latin1');
    expect(text.split('\r\n').every((line) => line.length <= 998)).toBe(true);
    expect(/\r\n\./.test(text)).toBe(false); // no dot-stuffing needed
    expect(/(?<!\r)\n/.test(text)).toBe(false); // only CRLF line ends

    const mail = await simpleParser(raw);
    expect(mail.subject).toBe('Roadworks on the High Street – été');
    expect(mail.from?.value).toEqual([{ address: 'alerts@example.gov.uk', name: 'Example Council' }]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value : []).toEqual([
      { address: 'ann@example.org', name: 'Ann Jones' },
    ]);
    expect(mail.replyTo?.value).toEqual([{ address: 'contact@example.gov.uk', name: '' }]);
    expect(mail.messageId).toBe(messageIdFor('delivery-1', 'sub-1', 'example.gov.uk'));
    expect(mail.headers.get('list')).toEqual({
      id: { name: 'Roads', id: 'roads.lists.example.gov.uk' },
      'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' },
      unsubscribe: { url, mail: 'unsubscribe@example.gov.uk?subject=unsubscribe' },
    });
    const line = (key: string) => mail.headerLines.find((h) => h.key === key)?.line;
    expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(line('list-unsubscribe')).toBe(
      `List-Unsubscribe: <${url}>,\r\n <mailto:unsubscribe@example.gov.uk?subject=unsubscribe>`,
    );
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    // The CRLF before a boundary belongs to the boundary, so the final line break is not part of the text.
    expect(mail.text).toBe(`Roadworks\n\n.A line starting with a dot\nUnsubscribe: ${url}`);
    expect(mail.html).toContain(`<p><a href="${url}">Unsubscribe</a></p>`);
    expect(mail.html).toContain('<h1>Roadworks £5</h1>');
    expect(mail.html).toContain('Long text '.repeat(30));
  });

  it('gives each (delivery, recipient) one stable Message-ID, different for anyone else', () => {
    expect(messageIdFor('d1', 's1', 'x.org')).toBe(messageIdFor('d1', 's1', 'x.org'));
    expect(messageIdFor('d1', 's2', 'x.org')).not.toBe(messageIdFor('d1', 's1', 'x.org'));
    expect(messageIdFor('d2', 's1', 'x.org')).not.toBe(messageIdFor('d1', 's1', 'x.org'));
    expect(messageIdFor('d1', 's1', 'x.org')).toMatch(/^<[A-Za-z0-9_-]{32}\.tc@x\.org>$/);
  });

  it('keeps a subscriber name from injecting headers', async () => {
    const s = shared();
    const raw = recipientMessage(s, {
      to: { address: 'ann@example.org', name: 'Ann\r\nBcc: victim@example.org\r\n' },
      messageId: '<x@example.gov.uk>',
      unsubscribeUrl: url,
    });
    const mail = await simpleParser(raw);
    expect(mail.bcc).toBeUndefined();
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : '').toBe('ann@example.org');
    expect(mailbox('a@b.org', 'Quote " and \\ back')).toBe('"Quote \\" and \\\\ back" <a@b.org>');
    expect(encodeHeaderText('Subject\r\nBcc: x@y.org')).toBe('Subject Bcc: x@y.org');
  });

  it('refuses settings and addresses that would break a header', () => {
    expect(() => shared({ from: { address: 'a@b.org\r\nBcc: x@y.org', name: 'X' } })).toThrow(
      'The from address cannot contain a line break',
    );
    expect(() => shared({ replyTo: 'r@b.org\nBcc: x@y.org' })).toThrow(
      'The reply-to address cannot contain a line break',
    );
    expect(() => shared({ listId: { name: 'Roads', id: 'roads\r\nX: y' } })).toThrow(
      'The list id cannot contain a line break',
    );
    const s = shared();
    const base = { to: { address: 'ann@example.org', name: null }, messageId: '<m@x>', unsubscribeUrl: url };
    expect(() =>
      recipientMessage(s, { ...base, to: { address: 'ann@example.org\r\nBcc: x@y.org', name: null } }),
    ).toThrow('An email address cannot contain a line break');
    expect(() => recipientMessage(s, { ...base, to: { address: 'a b@example.org', name: null } })).toThrow(
      'is not a plain email address',
    );
    expect(() => recipientMessage(s, { ...base, unsubscribeUrl: `${url}\r\nBcc: x@y.org` })).toThrow(
      'The unsubscribe URL cannot contain a line break',
    );
    expect(() => recipientMessage(s, { ...base, unsubscribeUrl: 'javascript:alert(1)' })).toThrow(
      'The unsubscribe URL must be an http(s) URL',
    );
    expect(() => recipientMessage(s, { ...base, messageId: '<a@b>\r\nBcc: x@y.org' })).toThrow(
      'The Message-ID cannot contain a line break',
    );
  });

  it('encodes quoted-printable within 76 characters a line, dots and trailing spaces encoded', () => {
    const encoded = quotedPrintable(`.start\n${'a'.repeat(200)}\ntrailing \n`);
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(encoded.startsWith('=2Estart\r\n')).toBe(true);
    expect(encoded).toContain('trailing=20\r\n');
  });
});
