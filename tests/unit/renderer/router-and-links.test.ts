import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute } from '../../../renderer/src/router.ts';
import { checkLinkInput } from '../../../renderer/src/features/updates/link-input.ts';
import { formatLondon } from '../../../renderer/src/format-time.ts';

describe('routes', () => {
  it('parses the screens and round-trips their addresses', () => {
    const id = '0b8f2a1e-5f4e-4b8a-9d61-0c9f1e2d3a4b';
    expect(parseRoute('')).toEqual({ page: 'updates' });
    expect(parseRoute(hrefFor({ page: 'update', id }))).toEqual({ page: 'update', id });
    expect(parseRoute('#/updates/not-an-id')).toEqual({ page: 'not-found', path: '/updates/not-an-id' });
  });

  it('keeps the queue filter in the address, and falls back to All for one it does not know', () => {
    expect(hrefFor({ page: 'queue', filter: 'failed' })).toBe('#/queue?filter=failed');
    expect(hrefFor({ page: 'queue', filter: 'all' })).toBe('#/queue');
    expect(parseRoute('#/queue?filter=unconfirmed')).toEqual({ page: 'queue', filter: 'unconfirmed' });
    expect(parseRoute('#/queue?filter=today')).toEqual({ page: 'queue', filter: 'today' });
    expect(parseRoute('#/queue?filter=everything')).toEqual({ page: 'queue' });
    expect(parseRoute('#/queue')).toEqual({ page: 'queue' });
  });
});

describe('link input', () => {
  it('adds https:// to a bare address', () => {
    expect(checkLinkInput(' www.stockport.gov.uk/bins ')).toEqual({ href: 'https://www.stockport.gov.uk/bins' });
  });
  it('refuses script and data links with a specific message', () => {
    expect(checkLinkInput('javascript:alert(1)')).toEqual({ error: expect.stringContaining('https://') });
    expect(checkLinkInput('data:text/html,hi')).toHaveProperty('error');
    expect(checkLinkInput('')).toEqual({ error: 'Enter the web address the link goes to.' });
  });
  it('accepts mailto', () => {
    expect(checkLinkInput('mailto:roads@stockport.gov.uk')).toEqual({ href: 'mailto:roads@stockport.gov.uk' });
  });
});

describe('UK times', () => {
  it('shows summer times in BST and winter times in GMT', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(formatLondon('2026-07-01T06:15:00Z', now)).toBe('1 Jul 2026 07:15');
    expect(formatLondon('2026-11-24T16:02:00Z', now)).toBe('24 Nov 2026 16:02');
    expect(formatLondon('2026-12-01T09:41:00Z', now)).toBe('today 09:41');
  });
});
