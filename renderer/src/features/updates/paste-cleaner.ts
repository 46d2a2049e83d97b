import DOMPurify from 'dompurify';

/**
 * Cleans HTML pasted from Word, Google Docs or a web page before the editor
 * parses it. DOMPurify removes anything executable (scripts, event handlers,
 * javascript: URLs); then a walk keeps only the structure our body supports,
 * turning Word and Docs formatting into real <strong>/<em>/headings and
 * dropping styles, classes, fonts, tracking attributes and Office tags.
 * The editor's schema and the core's body schema check again after this.
 */
export function cleanPastedHtml(html: string, doc: Document = document): string {
  const safe = DOMPurify.sanitize(html, {
    WHOLE_DOCUMENT: false,
    RETURN_DOM_FRAGMENT: true,
    FORBID_TAGS: [
      'style',
      'script',
      'meta',
      'link',
      'title',
      'img',
      'svg',
      'math',
      'iframe',
      'object',
      'form',
      'input',
    ],
    // Styles and classes are read (Docs bold/italic, interchange breaks) and then dropped by the walk below.
    ALLOWED_ATTR: ['href', 'style', 'id', 'class'],
  });
  const out = doc.createElement('div');
  for (const child of Array.from(safe.childNodes)) appendClean(child, out, doc);
  return out.innerHTML;
}

const BLOCK_MAP: Record<string, string> = {
  p: 'p',
  div: 'p',
  h1: 'h2',
  h2: 'h2',
  h3: 'h3',
  h4: 'h3',
  h5: 'h3',
  h6: 'h3',
  ul: 'ul',
  ol: 'ol',
  li: 'li',
  blockquote: 'blockquote',
  br: 'br',
  strong: 'strong',
  b: 'strong',
  em: 'em',
  i: 'em',
  a: 'a',
};

/** Google Docs marks bold and italic with inline styles on spans, and wraps the whole paste in a non-bold <b>. */
function styleMarks(el: Element): { bold: boolean; italic: boolean; notBold: boolean } {
  const style = (el.getAttribute('style') ?? '').toLowerCase();
  const weight = /font-weight:\s*(\w+)/.exec(style)?.[1];
  const numeric = weight === undefined ? NaN : Number(weight);
  return {
    bold: weight === 'bold' || numeric >= 600,
    notBold: weight === 'normal' || numeric < 600,
    italic: /font-style:\s*italic/.test(style),
  };
}

function appendClean(node: Node, parent: Element, doc: Document): void {
  if (node.nodeType === 3) {
    parent.append(doc.createTextNode(node.textContent ?? ''));
    return;
  }
  if (node.nodeType !== 1) return; // comments (Word's <!--[if gte mso]-->), processing instructions
  const el = node as Element;
  const tag = el.tagName.toLowerCase();
  // Office namespaced tags such as <o:p> carry nothing worth keeping beyond their text.
  if (tag.includes(':')) {
    for (const child of Array.from(el.childNodes)) appendClean(child, parent, doc);
    return;
  }
  // Browsers end a copied selection with an "interchange" <br>; it is not part of the content.
  if (tag === 'br' && el.classList.contains('Apple-interchange-newline')) return;
  const marks = styleMarks(el);
  let mapped = BLOCK_MAP[tag];
  if (tag === 'b' && (marks.notBold || el.id.startsWith('docs-internal-guid'))) mapped = undefined;
  let target = parent;
  if (mapped) {
    const clean = doc.createElement(mapped);
    if (mapped === 'a') {
      const href = unwrapRedirect((el.getAttribute('href') ?? '').trim());
      if (/^(https?:|mailto:|tel:)/i.test(href)) clean.setAttribute('href', href);
    }
    parent.append(clean);
    target = clean;
  }
  if (tag === 'span' || (!mapped && tag !== 'b')) {
    if (marks.bold) target = appendWrapper(target, 'strong', doc);
    if (marks.italic) target = appendWrapper(target, 'em', doc);
  }
  for (const child of Array.from(el.childNodes)) appendClean(child, target, doc);
}

function appendWrapper(parent: Element, tag: string, doc: Document): Element {
  const wrapper = doc.createElement(tag);
  parent.append(wrapper);
  return wrapper;
}

/** Google Docs pastes links as google.com/url?q=<target>&sa=…&ust=… redirects; keep only the target. */
function unwrapRedirect(href: string): string {
  try {
    const url = new URL(href);
    if (/^(www\.)?google\.[a-z.]+$/.test(url.hostname) && url.pathname === '/url')
      return url.searchParams.get('q') ?? href;
  } catch {
    // Not an absolute URL: leave it for the scheme check to refuse.
  }
  return href;
}
