import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../shared/channels/render/email.ts';
import { paragraphs, roadClosure } from './render-fixtures.ts';

const OPTIONS = {
  organisationName: 'Stockport Council',
  websiteUrl: 'https://www.stockport.gov.uk/news/a6-closed',
  unsubscribeUrl: '{{unsubscribe_url}}',
};

const wordsIn = (text: string): string[] => text.match(/[\p{L}\p{N}'’]+/gu) ?? [];

/** The words a reader sees in the HTML: head, hidden preheader and tags removed, entities decoded. */
function visibleWords(html: string): string[] {
  const visible = html
    .replace(/<head>[\s\S]*<\/head>/, '')
    .replace(/<div class="preheader"[^>]*>[\s\S]*?<\/div>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  return wordsIn(visible);
}

/** The words of the text part, without the link addresses and reference numbers it adds. */
function textWords(text: string): string[] {
  return wordsIn(
    text
      .replace(/^Links in this email:\n(\[\d+\] \S+\n?)+/m, '')
      .replace(/ \[\d+\]/g, '')
      .replace(/: (https?:\/\/\S+|\{\{\w+\}\})$/gm, ''),
  );
}

describe('renderEmail', () => {
  it('is a complete, accessible one-column document with light and dark schemes', () => {
    const { html } = renderEmail(roadClosure(), OPTIONS);
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en-GB" dir="ltr">')).toBe(true);
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    expect(html).toContain('<title>A6 closed this weekend</title>');
    expect(html).toContain('<h1 style="font-size:28px;line-height:1.25;margin:0 0 16px;">A6 closed this weekend</h1>');
    expect(html).toContain('<h2>What is happening</h2>');
    expect(html).toContain('role="article" aria-roledescription="email"');
    expect(html).toContain('max-width:600px');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    // No text smaller than 16px anywhere.
    for (const size of html.matchAll(/font-size:\s*(\d+)px/g)) {
      if (!html.slice(Math.max(0, (size.index ?? 0) - 200), size.index).includes('preheader')) {
        expect(Number(size[1])).toBeGreaterThanOrEqual(16);
      }
    }
  });

  it('loads nothing from outside: no images, stylesheets, fonts, scripts or CSS urls', () => {
    const { html } = renderEmail(roadClosure(), OPTIONS);
    expect(html).not.toMatch(/<img|<link|<script|<iframe|@import|url\(|src=/i);
  });

  it('hides the preheader (the summary) at the top of the body', () => {
    const email = renderEmail(roadClosure(), OPTIONS);
    expect(email.preheader).toBe('The A6 is closed from 9pm Friday to 6am Monday.');
    expect(email.html).toMatch(
      /<body[^>]*>\n<div class="preheader" style="display:none;[^"]*">The A6 is closed from 9pm Friday to 6am Monday\./,
    );
  });

  it('takes the preheader from the body when there is no summary, cut to 140 characters', () => {
    const long = 'Collections move to Tuesday for the bank holiday weekend in every part of the borough. '.repeat(3);
    const email = renderEmail({ title: 'Bins', summary: '', body: paragraphs(long) }, OPTIONS);
    expect(email.preheader.length).toBeLessThanOrEqual(141);
    expect(email.preheader.startsWith('Collections move to Tuesday')).toBe(true);
    expect(email.preheader.endsWith('…')).toBe(true);
  });

  it('links to the website and has an unsubscribe footer only when given their URLs', () => {
    const full = renderEmail(roadClosure(), OPTIONS);
    expect(full.html).toContain('<a href="https://www.stockport.gov.uk/news/a6-closed">Read this on our website</a>');
    expect(full.html).toContain('<a href="{{unsubscribe_url}}">Unsubscribe from these emails</a>');
    expect(full.text).toContain('Read this on our website: https://www.stockport.gov.uk/news/a6-closed');
    expect(full.text).toContain('Unsubscribe from these emails: {{unsubscribe_url}}');

    const bare = renderEmail(roadClosure(), { organisationName: 'Stockport Council' });
    expect(bare.html).not.toContain('Read this on our website');
    expect(bare.html).not.toContain('Unsubscribe');
    expect(bare.text).not.toContain('Unsubscribe');
  });

  it('escapes every interpolated string, and keeps line breaks out of the subject', () => {
    const email = renderEmail(
      roadClosure({ title: '<script>alert(1)</script>\nBcc: x@example.com', summary: '<b>"hi"</b>' }),
      {
        ...OPTIONS,
        organisationName: 'Tom & Jerry <Council>',
        websiteUrl: 'https://www.stockport.gov.uk/news?a=1&b=2',
      },
    );
    expect(email.subject).toBe('<script>alert(1)</script> Bcc: x@example.com');
    expect(email.html).not.toMatch(/<script|<b>/);
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Bcc: x@example.com');
    expect(email.html).toContain('&lt;b&gt;&quot;hi&quot;&lt;/b&gt;');
    expect(email.html).toContain('Tom &amp; Jerry &lt;Council&gt;');
    expect(email.html).toContain('href="https://www.stockport.gov.uk/news?a=1&amp;b=2"');
  });

  it('makes a text part with the same words as the HTML, and lists link addresses as references', () => {
    const email = renderEmail(roadClosure(), OPTIONS);
    expect(textWords(email.text)).toEqual(visibleWords(email.html));
    expect(email.text).toContain('See the diversion map [1] for details.');
    expect(email.text).toContain('- Buses: timetables [2]');
    expect(email.text).toContain('Links in this email:\n[1] https://www.stockport.gov.uk/map\n[2] https://tfgm.com/');
  });

  it('keeps the same words when the content has markup characters', () => {
    const email = renderEmail(roadClosure({ title: 'Fish & chips <today>', summary: "Don't miss it" }), OPTIONS);
    expect(textWords(email.text)).toEqual(visibleWords(email.html));
  });

  it('refuses link options that are not safe URLs', () => {
    expect(() => renderEmail(roadClosure(), { ...OPTIONS, websiteUrl: 'javascript:alert(1)' })).toThrow(RangeError);
    expect(() => renderEmail(roadClosure(), { ...OPTIONS, websiteUrl: 'https://x.gov.uk/"onmouseover=' })).toThrow(
      RangeError,
    );
    expect(() => renderEmail(roadClosure(), { ...OPTIONS, unsubscribeUrl: 'javascript:alert(1)' })).toThrow(
      /unsubscribeUrl/,
    );
    expect(
      renderEmail(roadClosure(), { ...OPTIONS, unsubscribeUrl: 'mailto:unsubscribe@stockport.gov.uk' }).html,
    ).toContain('href="mailto:unsubscribe@stockport.gov.uk"');
  });

  it('is deterministic', () => {
    expect(renderEmail(roadClosure(), OPTIONS)).toEqual(renderEmail(roadClosure(), OPTIONS));
  });
});
