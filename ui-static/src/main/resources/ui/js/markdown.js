// Model descriptions (Markdown, often a Hugging Face README) as safe HTML: marked parses GitHub-flavoured
// Markdown (tables included), DOMPurify sanitises what it made. Both are vendored in ../vendor/ by
// ui-tests/vendor.sh.
//
// Safety, in layers:
// 1. HTML in the source is never HTML: marked's HTML tokenizers are off, so tags show as the text they are.
// 2. Links keep only http(s) URLs without quotes or angle brackets; any other link stays as its source text.
//    Images are not loaded (a description must not fetch from other sites): they become links to the image.
// 3. DOMPurify keeps only the tags and attributes written below, and only http(s) hrefs.
// 4. The page receives the sanitised nodes (markdownFragment), never a string to parse again.
import { Marked } from '../vendor/marked/marked.esm.js';
import DOMPurify from '../vendor/dompurify/purify.es.js';

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in HTML content and quoted attribute values. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, c => ESCAPES[c]);
}

const SAFE_URL = /^https?:\/\/[^\s"'<>`\\]+$/i;
const LINK_ATTRIBUTES = 'rel="noopener noreferrer nofollow" target="_blank"';

const PURIFY = {
  ALLOWED_TAGS: ['a', 'blockquote', 'br', 'code', 'del', 'div', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'li',
    'ol', 'p', 'pre', 'strong', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul'],
  ALLOWED_ATTR: ['align', 'class', 'href', 'rel', 'start', 'target', 'title'],
  // Values of other attributes than these must pass ALLOWED_URI_REGEXP too: only href carries a URL.
  ADD_URI_SAFE_ATTR: ['align', 'rel', 'start', 'target'],
  ALLOWED_URI_REGEXP: /^https?:\/\//i,
  RETURN_DOM_FRAGMENT: true,
};

/** The renderer, per heading shift (0 to 5 levels down): only the markup below comes out of marked. */
function rendererFor(headingOffset) {
  let linkDepth = 0; // images inside a link's text (badges) show as their text: links do not nest
  const linkOrSource = (token, label) => (SAFE_URL.test(token.href)
    ? `<a href="${escapeHtml(token.href)}"${token.title ? ` title="${escapeHtml(token.title)}"` : ''} ${LINK_ATTRIBUTES}>${label}</a>`
    : escapeHtml(token.raw));
  return {
    heading({ tokens, depth }) {
      const level = Math.min(6, Math.max(1, depth + headingOffset));
      return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`;
    },
    code({ text, lang, escaped }) {
      const language = (lang ?? '').match(/^\S*/)[0];
      const body = escaped ? text : escapeHtml(text);
      return `<pre><code${language ? ` class="language-${escapeHtml(language)}"` : ''}>${body.replace(/\n$/, '')}</code></pre>\n`;
    },
    blockquote({ tokens }) {
      return `<blockquote>${this.parser.parse(tokens).trimEnd()}</blockquote>\n`;
    },
    list({ ordered, start, items }) {
      const open = ordered ? (start !== '' && start !== 1 ? `<ol start="${Number(start)}">` : '<ol>') : '<ul>';
      return `${open}${items.map(item => this.listitem(item)).join('')}${ordered ? '</ol>' : '</ul>'}\n`;
    },
    // A tight item's text stays inline (no <p>); what follows it (a nested list) goes on its own line.
    // A task item's box is a character: the description holds no form controls.
    listitem({ tokens, loose }) {
      const box = tokens[0]?.type === 'checkbox' ? `${this.checkbox(tokens[0])} ` : '';
      const parts = tokens.filter(token => token.type !== 'checkbox')
        .map(token => this.parser.parse([token], loose).trimEnd()).filter(Boolean);
      return `<li>${box}${parts.join('\n')}</li>`;
    },
    checkbox({ checked }) {
      return checked ? '☑' : '☐';
    },
    table({ header, rows }) {
      const cell = (tag, { tokens, align }) => `<${tag}${align ? ` align="${align}"` : ''}>${this.parser.parseInline(tokens)}</${tag}>`;
      const head = `<thead><tr>${header.map(c => cell('th', c)).join('')}</tr></thead>`;
      const body = rows.length ? `<tbody>${rows.map(row => `<tr>${row.map(c => cell('td', c)).join('')}</tr>`).join('')}</tbody>` : '';
      // Wide README tables scroll inside their box instead of widening the page.
      return `<div class="table-scroll"><table>${head}${body}</table></div>\n`;
    },
    link(token) {
      linkDepth++;
      try {
        return linkOrSource(token, this.parser.parseInline(token.tokens));
      } finally {
        linkDepth--;
      }
    },
    image(token) {
      const label = escapeHtml(token.text || token.href);
      return linkDepth > 0 ? label : linkOrSource(token, label);
    },
    html({ text }) {
      return escapeHtml(text); // never reached: the tokenizers below make no HTML tokens
    },
  };
}

const noHtml = {
  html() { return undefined; },
  tag() { return undefined; },
};

const lexer = new Marked({ gfm: true, tokenizer: noHtml });
const parsers = new Map();

function parserFor(headingOffset) {
  if (!parsers.has(headingOffset)) {
    parsers.set(headingOffset, new Marked({ gfm: true, tokenizer: noHtml, renderer: rendererFor(headingOffset) }));
  }
  return parsers.get(headingOffset);
}

function sanitise(html) {
  if (!DOMPurify.isSupported) throw new Error('Markdown needs a DOM to sanitise its HTML; none is available here.');
  return DOMPurify.sanitize(html, PURIFY);
}

function tokensOf(source) {
  return lexer.lexer(String(source ?? '').replace(/\u0000/g, ''));
}

/** The highest heading level (1 for #) anywhere but in code, or 1 when there is none. */
function highestHeading(tokens) {
  let highest = 7;
  lexer.walkTokens(tokens, token => {
    if (token.type === 'heading') highest = Math.min(highest, token.depth);
  });
  return highest === 7 ? 1 : highest;
}

/**
 * Renders Markdown as sanitised DOM nodes, to append to the page.
 * `topHeadingLevel` fits the headings into the page's outline: the description's highest heading
 * becomes h`topHeadingLevel` and the others keep their distance to it (never beyond h6).
 */
export function markdownFragment(source, { topHeadingLevel = 1 } = {}) {
  const tokens = tokensOf(source);
  const offset = topHeadingLevel - highestHeading(tokens);
  return sanitise(parserFor(offset).parser(tokens).trimEnd());
}

/** Renders one paragraph's inline Markdown (emphasis, code, links) as sanitised DOM nodes. */
export function inlineFragment(text) {
  return sanitise(parserFor(0).parseInline(String(text ?? '')));
}

/** The same as markdownFragment, as HTML text (safe to assign to innerHTML): every text and value escaped. */
export function renderMarkdown(source, options) {
  return htmlOf(markdownFragment(source, options));
}

/** The same as inlineFragment, as HTML text. */
export function renderInline(text) {
  return htmlOf(inlineFragment(text));
}

const ELEMENT = 1;
const TEXT = 3;
const VOID = new Set(['br', 'hr']);

function htmlOf(node) {
  return [...node.childNodes].map(child => {
    if (child.nodeType === TEXT) return escapeHtml(child.data);
    if (child.nodeType !== ELEMENT) return '';
    const name = child.localName;
    const attributes = [...child.attributes].map(a => ` ${a.name}="${escapeHtml(a.value)}"`).join('');
    return VOID.has(name) ? `<${name}${attributes}>` : `<${name}${attributes}>${htmlOf(child)}</${name}>`;
  }).join('');
}
