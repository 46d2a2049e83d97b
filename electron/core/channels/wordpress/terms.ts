import { z } from 'zod';
import { ChannelError, type PublishContext } from '../adapter.ts';
import { callWordPress, readAnswer } from './client.ts';
import { errorBodyOf, WORDPRESS, wordpressHttpError } from './errors.ts';
import type { openProgress } from './progress.ts';
import { categoryMapOf, defaultCategoryOf, type CategoryRef, type WordPressSettings } from './settings.ts';

/**
 * The post's categories and tags from the update's own tags: each update tag
 * is a WordPress tag (found by name, made when missing: an Author may make
 * tags), and the channel's category map turns tags into categories ("roads"
 * → "Roads and transport"), with a default category when none maps. Only
 * Editors and Administrators may make categories in WordPress, so a missing
 * category is made only when the channel allows it, and a refusal says what
 * to do. Every id found or made is written to the delivery's progress at
 * once, so a retry neither looks it up again nor makes a second one.
 */

const Term = z.object({ id: z.number(), name: z.string() });

/** WordPress's answer to making a term that exists: `{code: 'term_exists', data: {term_id}}`. */
const TermExists = z.object({ code: z.literal('term_exists'), data: z.object({ term_id: z.number() }).loose() });

type Taxonomy = 'tags' | 'categories';
type Progress = Awaited<ReturnType<typeof openProgress>>;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** WordPress stores term names HTML-escaped ("Roads &amp; transport"); this is the name as typed. */
export function decodeTermName(name: string): string {
  return name.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === '#') {
      const point = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      return Number.isFinite(point) && point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : whole;
    }
    return ENTITIES[code.toLowerCase()] ?? whole;
  });
}

/** Names compare as WordPress compares them: ignoring case. */
function sameName(a: string, b: string): boolean {
  return a.localeCompare(b, 'en-GB', { sensitivity: 'accent' }) === 0;
}

/**
 * What to search for: WordPress matches `search` against the stored (escaped)
 * name, so "&" and "'" would never match; the longest run without them does,
 * and the exact name is checked on the answers.
 */
export function searchTermFor(name: string): string {
  const parts = name.split(/[&']/).map((part) => part.trim());
  return parts.reduce((longest, part) => (part.length > longest.length ? part : longest), '');
}

function progressKey(taxonomy: Taxonomy, name: string): string {
  return `${taxonomy}:${name.toLocaleLowerCase('en-GB')}`;
}

/** The ids for a post: the channel's fixed ids, then those from the update's tags. */
export type PostTerms = { tags: number[]; categories: number[] };

/**
 * Finds (or makes) the terms for this delivery. One instance per send: a name
 * looked up once is not looked up again in the same send.
 */
export async function resolvePostTerms(ctx: PublishContext<WordPressSettings>, progress: Progress): Promise<PostTerms> {
  const settings = ctx.settings;
  const seen = new Map<string, string>();
  for (const tag of ctx.source.tags ?? []) {
    const trimmed = tag.trim();
    if (trimmed && !seen.has(trimmed.toLocaleLowerCase('en-GB'))) seen.set(trimmed.toLocaleLowerCase('en-GB'), trimmed);
  }
  const tags = [...seen.values()];
  const cache = new Map<string, number | undefined>();

  async function find(taxonomy: Taxonomy, name: string): Promise<number | undefined> {
    const key = progressKey(taxonomy, name);
    if (cache.has(key)) return cache.get(key);
    const query = new URLSearchParams({ search: searchTermFor(name), per_page: '100', _fields: 'id,name' });
    const response = await callWordPress(ctx, {
      method: 'GET',
      path: `/${taxonomy}?${query.toString()}`,
      creates: false,
      action: `look for the ${taxonomy === 'tags' ? 'tag' : 'category'} "${name}"`,
    });
    const terms = await readAnswer(response, Term.array(), false);
    const id = terms.find((term) => sameName(decodeTermName(term.name), name))?.id;
    cache.set(key, id);
    return id;
  }

  async function record(taxonomy: Taxonomy, name: string, id: number): Promise<number> {
    cache.set(progressKey(taxonomy, name), id);
    await progress.update({ terms: { ...progress.get().terms, [progressKey(taxonomy, name)]: id } });
    return id;
  }

  /** Makes the term; one that exists already (under another spelling, or made by a lost answer) is used as it is. */
  async function make(taxonomy: Taxonomy, name: string, why: string): Promise<number> {
    const action = `make the ${taxonomy === 'tags' ? 'tag' : 'category'} "${name}"`;
    const response = await callWordPress(
      ctx,
      { method: 'POST', path: `/${taxonomy}`, creates: false, action, json: { name } },
      [400, 403],
    );
    if (response.ok) return (await readAnswer(response, Term, false)).id;
    if (response.status === 400) {
      const clone = response.clone();
      const { body } = await errorBodyOf(clone);
      const exists = TermExists.safeParse(body);
      if (exists.success) {
        await response.body?.cancel();
        return exists.data.data.term_id;
      }
    }
    if (response.status === 403 && taxonomy === 'categories') {
      const { body } = await errorBodyOf(response);
      throw ChannelError.rejected(
        `${WORDPRESS} has no category "${name}" (${why}), and the account "${ctx.settings.username}" may not make categories (HTTP 403 ${body?.code ?? ''}: only Editors and Administrators may). Make the category in WordPress (Posts → Categories) and choose Retry, or change the channel's "Categories for tags".`,
        'settings.categoryMap',
      );
    }
    throw await wordpressHttpError(response, action, ctx.now().getTime());
  }

  async function tagId(name: string): Promise<number> {
    const known = progress.get().terms[progressKey('tags', name)];
    if (known !== undefined) return known;
    return record('tags', name, (await find('tags', name)) ?? (await make('tags', name, 'a tag of the update')));
  }

  async function categoryId(ref: CategoryRef, why: string): Promise<number> {
    if ('id' in ref) return ref.id;
    const known = progress.get().terms[progressKey('categories', ref.name)];
    if (known !== undefined) return known;
    const found = await find('categories', ref.name);
    if (found !== undefined) return record('categories', ref.name, found);
    if (!settings.createCategories) {
      throw ChannelError.rejected(
        `${WORDPRESS} has no category "${ref.name}" (${why}). Make it in WordPress (Posts → Categories) and choose Retry, or change the channel's "Categories for tags".`,
        'settings.categoryMap',
      );
    }
    return record('categories', ref.name, await make('categories', ref.name, why));
  }

  const map = categoryMapOf(settings.categoryMap);
  const wanted: { ref: CategoryRef; why: string }[] = [];
  for (const tag of tags) {
    const ref = map.get(tag.toLocaleLowerCase('en-GB'));
    if (ref) wanted.push({ ref, why: `the category for the tag "${tag}"` });
  }
  const fallback = defaultCategoryOf(settings.defaultCategory);
  if (wanted.length === 0 && fallback) wanted.push({ ref: fallback, why: 'the channel’s default category' });

  const categoryIds = [...settings.categories];
  for (const { ref, why } of wanted) categoryIds.push(await categoryId(ref, why));
  const tagIds = [...settings.tags];
  if (settings.tagsFromUpdate) for (const tag of tags) tagIds.push(await tagId(tag));
  return { tags: [...new Set(tagIds)], categories: [...new Set(categoryIds)] };
}
