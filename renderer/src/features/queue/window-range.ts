/** What a windowed list draws for one scroll position. */
export type WindowRange = {
  /** First row drawn (inclusive). */
  start: number;
  /** Row after the last one drawn (exclusive). */
  end: number;
  /** Space above the first drawn row, in pixels. */
  offsetTop: number;
  /** Height of every row together: the scroll height. */
  totalHeight: number;
};

/**
 * Which rows of a fixed-row-height list are in view, plus `overscan` rows
 * either side so fast scrolling does not show blanks. Drawing only these keeps
 * the queue smooth with 10,000 publications: the DOM holds a few dozen rows.
 */
export function windowRange(input: {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  overscan?: number;
}): WindowRange {
  const { rowHeight, count } = input;
  const overscan = input.overscan ?? 5;
  const totalHeight = count * rowHeight;
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, offsetTop: 0, totalHeight: 0 };
  const maxScroll = Math.max(0, totalHeight - input.viewportHeight);
  const scrollTop = Math.min(Math.max(0, input.scrollTop), maxScroll);
  const first = Math.floor(scrollTop / rowHeight);
  const visible = Math.ceil(Math.max(0, input.viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, offsetTop: start * rowHeight, totalHeight };
}

/** Whether the drawn rows come close enough to the end of what is loaded to fetch the next page. */
export function needsMore(range: WindowRange, loaded: number, threshold = 20): boolean {
  return loaded > 0 && range.end >= loaded - threshold;
}
