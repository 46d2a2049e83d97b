import { isSafeHref } from '../../../../shared/content/doc.ts';

/** Normalises what someone typed into a link target, or explains why it cannot be one. */
export function checkLinkInput(raw: string): { href: string } | { error: string } {
  const text = raw.trim();
  if (text === '') return { error: 'Enter the web address the link goes to.' };
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`;
  if (!isSafeHref(withScheme)) {
    return { error: 'Use a web address starting https:// (or an email address starting mailto:).' };
  }
  return { href: withScheme };
}
