import type { DiffPart } from '../domain/review.ts';

/** Words and the spaces between them, so joining the parts gives the text back exactly. */
function tokens(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

/** Above this many tokens a side, the comparison is too costly: the whole text is shown as replaced. */
const MAX_TOKENS = 5000;

function push(parts: DiffPart[], op: DiffPart['op'], text: string) {
  const last = parts.at(-1);
  if (last && last.op === op) last.text += text;
  else parts.push({ op, text });
}

/**
 * A word-level comparison of two texts (longest common subsequence), for the
 * review page's "what changed since the last submission". Pure and bounded.
 */
export function diffWords(before: string, after: string): DiffPart[] {
  if (before === after) return before === '' ? [] : [{ op: 'same', text: before }];
  const a = tokens(before);
  const b = tokens(after);
  // Common start and end first: most edits are small, so the table stays small.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const parts: DiffPart[] = [];
  if (start > 0) push(parts, 'same', a.slice(0, start).join(''));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  if (midA.length > MAX_TOKENS || midB.length > MAX_TOKENS) {
    if (midA.length) push(parts, 'removed', midA.join(''));
    if (midB.length) push(parts, 'added', midB.join(''));
  } else {
    const n = midA.length;
    const m = midB.length;
    // table[i * (m + 1) + j]: the longest common run of midA[i..] and midB[j..].
    const width = m + 1;
    const table = new Uint32Array((n + 1) * width);
    const at = (i: number, j: number) => table[i * width + j] ?? 0;
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        table[i * width + j] = midA[i] === midB[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      const x = midA[i] ?? '';
      const y = midB[j] ?? '';
      if (x === y) {
        push(parts, 'same', x);
        i++;
        j++;
      } else if (at(i + 1, j) >= at(i, j + 1)) {
        push(parts, 'removed', x);
        i++;
      } else {
        push(parts, 'added', y);
        j++;
      }
    }
    while (i < n) push(parts, 'removed', midA[i++] ?? '');
    while (j < m) push(parts, 'added', midB[j++] ?? '');
  }
  if (endA < a.length) push(parts, 'same', a.slice(endA).join(''));
  return parts;
}
