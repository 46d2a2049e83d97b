const LONDON = 'Europe/London';

const dayFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, hour: '2-digit', minute: '2-digit' });

/** A stored UTC time as a comms officer reads it: "today 09:41" or "24 Nov 2026 16:02", in UK time. */
export function formatLondon(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const day = dayFormat.format(date);
  return day === dayFormat.format(now) ? `today ${timeFormat.format(date)}` : `${day} ${timeFormat.format(date)}`;
}
