import { ROLE_LABELS, type Role, type User } from '../../../../shared/domain/people.ts';

/** "Author and Approver", "Author, Approver and Admin": roles as a sentence reads them. */
export function rolesInWords(roles: readonly Role[]): string {
  const names = roles.map((r) => ROLE_LABELS[r]);
  if (names.length <= 1) return names[0] ?? 'no role';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** The confirmation after a change of roles: what the person can now do, in one sentence. */
export function savedRolesMessage(user: User): string {
  const urgent = user.urgent ? 'with' : 'without';
  return `Saved. ${user.name} is now ${rolesInWords(user.roles)}, ${urgent} urgent publishing.`;
}

/** Tags typed as "Corporate, Emergency" → ["Corporate", "Emergency"]; blanks and repeats dropped. */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const raw of text.split(',')) {
    const tag = raw.trim();
    if (tag && !seen.has(tag.toLowerCase())) {
      seen.add(tag.toLowerCase());
      tags.push(tag);
    }
  }
  return tags;
}

/** The approval rule as a sentence, for everyone (admins see it after saving, others instead of the form). */
export function policyInWords(policy: { required: 1 | 2; twoForTags: readonly string[] }): string {
  const base = `Every update needs ${policy.required === 2 ? 'two approvals' : 'one approval'} before it is published.`;
  if (policy.required === 2 || policy.twoForTags.length === 0) return base;
  const tags = policy.twoForTags.map((t) => `“${t}”`);
  const list = tags.length === 1 ? tags[0] : `${tags.slice(0, -1).join(', ')} or ${tags.at(-1)}`;
  return `${base} Updates tagged ${list} need two.`;
}
