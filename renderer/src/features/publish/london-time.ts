const LONDON = 'Europe/London';

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** The London wall-clock date ("2026-11-25") and time ("07:00") of an instant. */
export function londonParts(at: Date): { date: string; time: string } {
  const p = Object.fromEntries(partsFormat.formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

function offsetMs(at: Date): number {
  const { date, time } = londonParts(at);
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const asUtc = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0);
  return asUtc - Math.floor(at.getTime() / 60_000) * 60_000;
}

/**
 * A date and time typed as UK time, as the UTC instant the core stores.
 * A time the clocks skip in March does not exist, and says so; in the
 * repeated hour of October the first (BST) is meant.
 */
export function londonToUtc(date: string, time: string): { iso: string } | { error: string } {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return { error: 'Enter a date and a time.' };
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  // Try BST first (so the repeated October hour means BST), then GMT.
  for (const guess of [wall - 3_600_000, wall]) {
    const at = new Date(guess);
    if (guess + offsetMs(at) === wall) return { iso: at.toISOString() };
  }
  return { error: `${time} on that day does not exist in the UK: the clocks go forward. Choose another time.` };
}
