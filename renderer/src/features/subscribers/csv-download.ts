/**
 * CSV built in the browser from pages the contract returns (the core cannot
 * write a file where a browser can see it), then handed to the person as a
 * download. Cells are neutralised as the audit export does: a value starting
 * = + - @, tab or CR gets a leading apostrophe, so a spreadsheet never runs it.
 */

/** One CSV cell, quoted, with spreadsheet formulas defused. */
export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

/** A header and rows as CSV text, CRLF line ends (what Excel expects). */
export function csvText(header: readonly string[], rows: Iterable<readonly (string | number | null)[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Reads every page of a keyset-paged method, in order, until it says there is no more. */
export async function allPages<T>(
  fetchPage: (after: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
  onPage?: (count: number) => void,
): Promise<T[]> {
  const all: T[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await fetchPage(after);
    all.push(...page.items);
    onPage?.(all.length);
    if (!page.nextCursor) return all;
    after = page.nextCursor;
  }
}

/** Offers `csv` as a file download (with a byte-order mark so Excel reads UTF-8). */
export function downloadCsv(fileName: string, csv: string): void {
  const url = URL.createObjectURL(new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** "Bin collections" → "bin-collections": a safe part of a file name. */
export function fileSlug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'list'
  );
}

/**
 * Splits a file into parts of at most `maxBytes` UTF-8 bytes, decoding as it
 * goes: a character cut between two byte slices is held back for the next
 * part (TextDecoder's stream mode), so each part is whole text.
 */
export async function* fileParts(file: Blob, maxBytes: number): AsyncGenerator<{ text: string; bytesRead: number }> {
  // Each slice decodes to at most its own byte count plus 3 held-back bytes.
  const slice = Math.max(4, maxBytes - 4);
  const decoder = new TextDecoder('utf-8');
  for (let start = 0; start < file.size; start += slice) {
    const bytes = new Uint8Array(await file.slice(start, start + slice).arrayBuffer());
    const last = start + slice >= file.size;
    const text = decoder.decode(bytes, { stream: !last });
    if (text.length > 0) yield { text, bytesRead: Math.min(file.size, start + slice) };
  }
}
