const stamp = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A timeline time in UK time, to the second ("26 Nov, 07:00:02"). */
export function formatStamp(iso: string): string {
  return stamp.format(new Date(iso));
}

/** Only web links open from the queue: a channel's answer is not trusted to be one. */
export function safeHttpUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}
