import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHashOf } from '../../../electron/core/updates/content-hash.ts';

describe('content hash', () => {
  it('ignores key order', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe('{"a":[{"x":1,"y":2}],"b":1}');
  });

  it('changes when any character of the content changes', () => {
    const body = { type: 'doc', content: [] };
    const a = contentHashOf({ title: 'Bins', summary: '', body });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHashOf({ title: 'Bins', summary: '', body })).toBe(a);
    expect(contentHashOf({ title: 'Bins ', summary: '', body })).not.toBe(a);
    expect(contentHashOf({ title: 'Bins', summary: '.', body })).not.toBe(a);
  });
});
