import { checkContent, type CheckVariant, type Finding } from '../content/checks.ts';
import { imagesOf } from '../content/images.ts';
import type { MeasureOptions } from './limits.ts';
import type { RenderInput } from './render/input.ts';
import { slugify } from './render/website.ts';
import type { RenderedVariant } from './variants.ts';

const EXAMPLE_NEWS_URL = 'https://www.example.gov.uk/news';

/**
 * Where the website article will be: the council's news address (or an
 * example one until it is set) plus the title's slug. Previews and the
 * pre-send check use the same address, so social posts measure the same.
 */
export function articleUrl(newsUrl: string | null, title: string): string {
  return `${(newsUrl ?? EXAMPLE_NEWS_URL).replace(/\/+$/, '')}/${slugify(title)}`;
}

/** The text of each rendered channel that the content checks look at. */
export function checkVariantsOf(rendered: readonly RenderedVariant[]): CheckVariant[] {
  return rendered.map((v) => {
    if (v.kind === 'website') return { kind: 'website', title: v.article.title };
    if (v.kind === 'email') return { kind: 'email', subject: v.email.subject };
    return { kind: v.kind, posts: v.posts };
  });
}

/**
 * The content checks of an update as rendered for its channels: the
 * compose page's checklist and the core's pre-send check both call this, so
 * they always agree on what blocks sending.
 */
export function checkRendered(
  master: RenderInput,
  rendered: readonly RenderedVariant[],
  options: MeasureOptions = {},
): Finding[] {
  const images = imagesOf(master.body).map((i) => ({ alt: i.alt }));
  return checkContent({ ...master, images }, checkVariantsOf(rendered), options);
}
