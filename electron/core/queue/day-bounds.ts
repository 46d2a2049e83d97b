const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(instant: number, timeZone: string) {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    utcOfWallClock: Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
    ),
  };
}

/** The UTC instant at which the wall clock in `timeZone` shows midnight starting the given date. */
function midnight(year: number, month: number, day: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day);
  const offsetAt = (instant: number) => wallClock(instant, timeZone).utcOfWallClock - Math.floor(instant / 1000) * 1000;
  const first = guess - offsetAt(guess);
  return guess - offsetAt(first);
}

/**
 * The start and end (exclusive) of the calendar day that contains `now` in
 * `timeZone`, as UTC ISO strings. Times are stored in UTC but "today" means
 * today in Europe/London, which is 23 or 25 hours long on the clock-change days.
 */
export function dayBounds(now: Date, timeZone: string): { from: string; to: string } {
  const { year, month, day } = wallClock(now.getTime(), timeZone);
  const from = midnight(year, month, day, timeZone);
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  const to = midnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}
