import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { needsMore, windowRange } from './window-range.ts';

/**
 * A list that draws only the rows in view (fixed row height), so 10,000
 * publications scroll as smoothly as 10. Each row keeps its place in the set
 * (aria-setsize / aria-posinset) for screen readers, and `onNearEnd` asks for
 * the next page before the reader reaches the end of what is loaded.
 */
export function WindowedList<T>({
  items,
  rowHeight,
  label,
  total,
  renderRow,
  rowKey,
  onNearEnd,
}: {
  items: readonly T[];
  rowHeight: number;
  label: string;
  /** How many rows there are in all, when known (else the loaded count). */
  total?: number;
  renderRow: (item: T, index: number) => ReactNode;
  rowKey: (item: T) => string;
  onNearEnd?: () => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ scrollTop: 0, height: 600 });
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setView({ scrollTop: el.scrollTop, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const range = windowRange({ scrollTop: view.scrollTop, viewportHeight: view.height, rowHeight, count: items.length });
  const nearEnd = needsMore(range, items.length);
  useLayoutEffect(() => {
    if (nearEnd) onNearEnd?.();
  }, [nearEnd, onNearEnd, items.length]);

  return (
    <div
      ref={scroller}
      className="windowed-list"
      onScroll={(e) => setView({ scrollTop: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}
    >
      <ul aria-label={label} style={{ height: range.totalHeight, paddingTop: range.offsetTop }}>
        {items.slice(range.start, range.end).map((item, i) => (
          <li
            key={rowKey(item)}
            style={{ height: rowHeight }}
            aria-setsize={total ?? items.length}
            aria-posinset={range.start + i + 1}
          >
            {renderRow(item, range.start + i)}
          </li>
        ))}
      </ul>
    </div>
  );
}
