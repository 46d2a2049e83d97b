import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { EMAIL_STYLE_BLOCK } from '../../../shared/channels/render/email.ts';
import { APP_CSP, APP_CSP_META, EMAIL_STYLE_HASH } from '../../../shared/security/csp.ts';

it('allows exactly the email stylesheet by hash (change the hash when the stylesheet changes)', () => {
  const hash = createHash('sha256').update(EMAIL_STYLE_BLOCK, 'utf8').digest('base64');
  expect(EMAIL_STYLE_HASH).toBe(`'sha256-${hash}'`);
  expect(APP_CSP).toContain(`style-src 'self' ${EMAIL_STYLE_HASH}`);
});

it('never allows inline or remote script, and keeps frame-ancestors out of the meta tag', () => {
  for (const policy of [APP_CSP, APP_CSP_META]) {
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/script-src[^;]*(unsafe|https?:|\*)/);
    expect(policy).not.toMatch(/style-src [^;]*unsafe-inline/);
  }
  expect(APP_CSP).toContain("frame-ancestors 'none'");
  expect(APP_CSP_META).not.toContain('frame-ancestors');
});
