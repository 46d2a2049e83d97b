import { describe, expect, it } from 'vitest';
import { renderVariant, renderVariants } from '../../../shared/channels/variants.ts';
import { Channels, Variants } from '../../../shared/domain/variants.ts';
import type { Doc } from '../../../shared/content/doc.ts';

const body: Doc = {
  type: 'doc',
  content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Use the A34 instead.' }] }],
};
const master = { title: 'A6 closed northbound', summary: 'Closed from 8pm on Friday for resurfacing.', body };
const options = { organisationName: 'Stockport Council', websiteUrl: 'https://www.stockport.gov.uk/news/a6-closed' };
const longSentence = 'The northbound carriageway will be closed while we resurface the road and replace the drains. ';

describe('variants', () => {
  it('derives every channel from the master, so a master edit flows into unedited variants', () => {
    const x = renderVariant('x', master, {}, options);
    expect(x).toMatchObject({ kind: 'x', edited: false, threaded: false });
    if (x.kind !== 'x') throw new Error('kind');
    expect(x.text).toBe(
      'A6 closed northbound\n\nClosed from 8pm on Friday for resurfacing.\n\nhttps://www.stockport.gov.uk/news/a6-closed',
    );
    const changed = renderVariant('x', { ...master, title: 'A6 reopened' }, {}, options);
    expect(changed.kind === 'x' && changed.text.startsWith('A6 reopened')).toBe(true);
  });

  it('keeps an edited social text through master edits, and marks it edited', () => {
    const variants = Variants.parse({
      bluesky: { text: 'A6 shut tonight. Details: https://www.stockport.gov.uk/news/a6-closed' },
    });
    const before = renderVariant('bluesky', master, variants, options);
    const after = renderVariant('bluesky', { ...master, title: 'Something else' }, variants, options);
    expect(before).toMatchObject({ edited: true, posts: [variants.bluesky?.text] });
    expect(after).toMatchObject({ edited: true, posts: [variants.bluesky?.text] });
  });

  it('offers a thread when over the limit, and splits only when chosen', () => {
    const text = longSentence.repeat(4).trim();
    const offered = renderVariant('x', master, { x: { text } }, options);
    if (offered.kind !== 'x') throw new Error('kind');
    expect(offered.measure.ok).toBe(false);
    expect(offered.canSplit).toBe(true);
    expect(offered.posts).toEqual([text]);
    expect(offered.problem).toMatch(/^The X post is \d+ weighted characters of 280\. Shorten it, or split it/);

    const chosen = renderVariant('x', master, { x: { text, thread: true } }, options);
    if (chosen.kind !== 'x') throw new Error('kind');
    expect(chosen.threaded).toBe(true);
    expect(chosen.problem).toBeUndefined();
    expect(chosen.posts.length).toBeGreaterThan(1);
    expect(chosen.posts.at(-1)).toMatch(/ \d+\/\d+$/);
  });

  it('uses the edited email subject and preheader, and the title otherwise', () => {
    const plain = renderVariant('email', master, {}, options);
    if (plain.kind !== 'email') throw new Error('kind');
    expect(plain.email.subject).toBe('A6 closed northbound');
    expect(plain.edited).toBe(false);
    const edited = renderVariant(
      'email',
      master,
      { email: { subject: 'Road closure:\r\nBcc: x@example.com', preheader: 'Friday night' } },
      options,
    );
    if (edited.kind !== 'email') throw new Error('kind');
    // A pasted line break can never reach the header.
    expect(edited.email.subject).toBe('Road closure: Bcc: x@example.com');
    expect(edited.email.preheader).toBe('Friday night');
    expect(edited.email.html).toContain(
      '<h1 style="font-size:28px;line-height:1.25;margin:0 0 16px;">A6 closed northbound</h1>',
    );
    expect(edited.edited).toBe(true);
  });

  it('renders the chosen channels in the fixed order', () => {
    const channels = Channels.parse(['x', 'website', 'email']);
    expect(channels).toEqual(['website', 'email', 'x']);
    expect(renderVariants(channels, master, {}, options).map((v) => v.kind)).toEqual(['website', 'email', 'x']);
    expect(Channels.safeParse(['x', 'x']).success).toBe(false);
    expect(Variants.safeParse({ x: { text: 'a', colour: 'red' } }).success).toBe(false);
  });
});
