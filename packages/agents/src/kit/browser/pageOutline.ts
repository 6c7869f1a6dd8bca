// Browser-side code is kept as source text: a function object would be serialised after the
// TypeScript loader rewrote it, and helpers it injects (`__name`) do not exist in the page.

/**
 * Source of `qeSelector(element)` (defined in the page): a short CSS selector for an element, the
 * way a person would write it: a unique `#id`; for a link `a[href="…"]` as written; a unique
 * `.class` or `tag.class`; a unique tag; else the nearest such ancestor `> tag:nth-of-type(n)`.
 */
export const SELECTOR_SOURCE = String.raw`
function qeSelector(el) {
  const unique = (sel) => { try { return document.querySelectorAll(sel).length === 1; } catch (e) { return false; } };
  const own = (node) => {
    const tag = node.localName;
    if (node.id && unique('#' + CSS.escape(node.id))) return '#' + CSS.escape(node.id);
    if ((tag === 'a' || tag === 'area') && node.hasAttribute('href')) return tag + '[href="' + node.getAttribute('href').replace(/["\\]/g, '\\$&') + '"]';
    for (const cls of node.classList) {
      const c = '.' + CSS.escape(cls);
      if (unique(c)) return c;
      if (unique(tag + c)) return tag + c;
    }
    if (node.getAttribute('name') && unique(tag + '[name="' + node.getAttribute('name') + '"]')) return tag + '[name="' + node.getAttribute('name') + '"]';
    if (unique(tag)) return tag;
    return undefined;
  };
  const parts = [];
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    const sel = own(node);
    if (sel) { parts.unshift(sel); return parts.join(' > '); }
    let n = 1;
    for (let s = node.previousElementSibling; s; s = s.previousElementSibling) if (s.localName === node.localName) n++;
    parts.unshift(node.localName + ':nth-of-type(' + n + ')');
  }
  return parts.join(' > ');
}`;

/** A link on a page. */
export interface PageLink {
  /** Absolute URL. */
  href: string;
  /** The attribute as written. */
  raw: string;
  selector: string;
  text: string;
}

/** A form field. */
export interface FormField {
  tag: string;
  type: string;
  name: string;
  id: string;
  required: boolean;
  selector: string;
  /** Values of a select's options / a radio group member. */
  options: string[];
  /** Label text, placeholder or aria-label: what the field is for. */
  hint: string;
}

/** A form on a page. */
export interface PageForm {
  selector: string;
  /** Absolute action URL (the page's own URL when absent). */
  action: string;
  method: 'get' | 'post' | 'dialog';
  /** The action attribute was present. */
  hasAction: boolean;
  fields: FormField[];
  /** Selector of its first submit control, if any. */
  submit?: string;
}

/** Links and forms of a page. */
export interface PageOutline {
  title: string;
  links: PageLink[];
  forms: PageForm[];
}

/** Expression returning the page's `PageOutline`. */
export const PAGE_OUTLINE_SCRIPT = `(() => {
${SELECTOR_SOURCE}
const links = [...document.querySelectorAll('a[href], area[href]')]
  .filter((a) => !/^(javascript|mailto|tel|data):/i.test(a.getAttribute('href').trim()))
  .map((a) => ({ href: a.href, raw: a.getAttribute('href'), selector: qeSelector(a), text: (a.textContent || a.getAttribute('aria-label') || '').trim().slice(0, 80) }));
const hintOf = (f) => {
  const label = f.labels && f.labels[0] ? f.labels[0].textContent : '';
  return [label, f.getAttribute('placeholder'), f.getAttribute('aria-label'), f.getAttribute('title')].filter(Boolean).join(' ').trim().slice(0, 80);
};
const forms = [...document.forms].map((form) => ({
  selector: qeSelector(form),
  action: form.action || location.href,
  method: (form.getAttribute('method') || 'get').toLowerCase(),
  hasAction: form.hasAttribute('action'),
  fields: [...form.elements].filter((f) => f.name !== undefined && ['input', 'select', 'textarea'].includes(f.localName)).map((f) => ({
    tag: f.localName, type: (f.getAttribute('type') || (f.localName === 'input' ? 'text' : f.localName)).toLowerCase(), name: f.name || '', id: f.id || '',
    required: !!f.required, selector: qeSelector(f), options: f.localName === 'select' ? [...f.options].map((o) => o.value) : [], hint: hintOf(f),
  })),
  submit: (() => { const s = form.querySelector('button:not([type]), button[type=submit], input[type=submit], input[type=image]'); return s ? qeSelector(s) : undefined; })(),
}));
return { title: document.title, links, forms };
})()`;
