/**
 * Email addresses as Town Crier accepts them: plain ASCII `local@domain`,
 * within the SMTP limits (RFC 5321: 64 octets local part, 254 in all), no
 * spaces, quotes, angle brackets or control characters (each of which could
 * break a header), and a domain of dot-separated labels with a top-level part.
 * Kept deliberately stricter than RFC 5322: an address a council relay would
 * bounce is better refused at import with a reason than mailed.
 */

export const MAX_EMAIL_LENGTH = 254;
export const MAX_LOCAL_PART_LENGTH = 64;

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Why an address is refused, in words an officer can act on; null when it is fine. */
export function emailProblem(raw: string): string | null {
  if (/[\r\n]/.test(raw)) return 'it contains a line break';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return 'it contains a control character';
  const email = raw.trim();
  if (email.length === 0) return 'the email address is empty';
  if (email.length > MAX_EMAIL_LENGTH) return `it is longer than ${MAX_EMAIL_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[^\u0000-\u007f]/.test(email))
    return 'it contains characters other than plain ASCII letters, digits and symbols';
  if (/\s/.test(email)) return 'it contains a space';
  const at = email.lastIndexOf('@');
  if (at < 0) return 'it has no "@"';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length === 0) return 'nothing comes before the "@"';
  if (local.length > MAX_LOCAL_PART_LENGTH)
    return `the part before the "@" is longer than ${MAX_LOCAL_PART_LENGTH} characters`;
  if (!LOCAL.test(local)) return 'the part before the "@" has a character or dot that is not allowed';
  if (domain.length === 0) return 'nothing comes after the "@"';
  const labels = domain.split('.');
  if (labels.length < 2) return 'the domain has no dot (e.g. example.org)';
  if (!labels.every((l) => LABEL.test(l))) return 'the domain is not a valid domain name';
  if (!/^[A-Za-z]{2,63}$|^xn--[A-Za-z0-9-]+$/.test(labels.at(-1) ?? ''))
    return 'the domain does not end in a valid top-level domain';
  return null;
}

/** The form stored and compared: trimmed and lower-cased, so an address is one subscriber whatever its case. */
export function normaliseEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** The domain of an address (after the last "@"). */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}
