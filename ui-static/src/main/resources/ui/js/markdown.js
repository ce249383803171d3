// A small, safe Markdown renderer for model descriptions.
//
// Safety: every piece of source text is HTML-escaped before any markup is added, and the only tags
// in the output are the ones written below. Links are kept only for http(s) URLs. Supported:
// headings, paragraphs, emphasis (**strong**, *em*, _em_, ~~del~~), `inline code`, fenced code
// blocks, block quotes, horizontal rules, and ordered and unordered lists (nested by indenting).

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in HTML content and quoted attribute values. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, c => ESCAPES[c]);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([\w+.-]*)/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])[ \t]+(.*)$/;
const BLANK = /^[ \t]*$/;

/**
 * Renders Markdown to an HTML string that is safe to assign to innerHTML.
 * `topHeadingLevel` fits the headings into the page's outline: the description's highest heading
 * becomes h`topHeadingLevel` and the others keep their distance to it (never beyond h6).
 */
export function renderMarkdown(source, { topHeadingLevel = 1 } = {}) {
  const lines = String(source ?? '').replace(/\r\n?/g, '\n').replace(/\u0000/g, '').split('\n');
  return renderBlocks(lines, topHeadingLevel - highestHeading(lines));
}

/** The highest heading level (1 for #) outside code blocks, or 1 when there is none. */
function highestHeading(lines) {
  let highest = 7;
  let fence = null;
  for (const line of lines) {
    const m = FENCE.exec(line);
    if (fence) {
      if (line.trimStart().startsWith(fence)) fence = null;
    } else if (m) {
      fence = m[1];
    } else {
      const heading = HEADING.exec(line.replace(/^ {0,3}>[ ]?/, ''));
      if (heading) highest = Math.min(highest, heading[1].length);
    }
  }
  return highest === 7 ? 1 : highest;
}

function renderBlocks(lines, headingOffset) {
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (BLANK.test(line)) {
      i++;
    } else if ((m = FENCE.exec(line))) {
      const fence = m[1];
      const code = [];
      i++;
      while (i < lines.length && !lines[i].trimStart().startsWith(fence)) code.push(lines[i++]);
      i++; // the closing fence, if any
      const language = m[2] ? ` class="language-${escapeHtml(m[2])}"` : '';
      out.push(`<pre><code${language}>${escapeHtml(code.join('\n'))}</code></pre>`);
    } else if ((m = HEADING.exec(line))) {
      const level = Math.min(6, Math.max(1, m[1].length + headingOffset));
      out.push(`<h${level}>${renderInline(m[2])}</h${level}>`);
      i++;
    } else if (RULE.test(line)) {
      out.push('<hr>');
      i++;
    } else if (QUOTE.test(line)) {
      const quoted = [];
      while (i < lines.length && (m = QUOTE.exec(lines[i]))) {
        quoted.push(m[1]);
        i++;
      }
      out.push(`<blockquote>${renderBlocks(quoted, headingOffset)}</blockquote>`);
    } else if (LIST_ITEM.test(line)) {
      i = renderList(lines, i, headingOffset, out);
    } else {
      const paragraph = [];
      while (i < lines.length && !BLANK.test(lines[i]) && !startsBlock(lines[i])) paragraph.push(lines[i++].trim());
      out.push(`<p>${renderInline(paragraph.join('\n'))}</p>`);
    }
  }
  return out.join('\n');
}

function startsBlock(line) {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line);
}

/** Renders the list starting at lines[start] into out; returns the index after it. */
function renderList(lines, start, headingOffset, out) {
  const first = LIST_ITEM.exec(lines[start]);
  const ordered = /\d/.test(first[2]);
  const items = [];
  let i = start;
  while (i < lines.length) {
    const m = LIST_ITEM.exec(lines[i]);
    if (!m || /\d/.test(m[2]) !== ordered) break;
    const content = [m[3]];
    const indent = m[1].length + m[2].length + 1;
    i++;
    // The item goes on over indented lines, lazy continuation lines and blank lines followed by indented ones.
    while (i < lines.length) {
      const line = lines[i];
      if (BLANK.test(line)) {
        const next = lines[i + 1];
        if (next !== undefined && /^[ \t]{2,}\S/.test(next)) {
          content.push('');
          i++;
          continue;
        }
        break;
      }
      if (/^[ \t]{2,}\S/.test(line)) {
        content.push(line.replace(new RegExp(`^[ \\t]{0,${Math.max(indent, 2)}}`), ''));
      } else if (!startsBlock(line)) {
        content.push(line.trim());
      } else {
        break;
      }
      i++;
    }
    items.push(content);
    // A blank line between items of the same list keeps the list going.
    if (i < lines.length && BLANK.test(lines[i])) {
      let j = i;
      while (j < lines.length && BLANK.test(lines[j])) j++;
      const next = j < lines.length ? LIST_ITEM.exec(lines[j]) : null;
      if (next && /\d/.test(next[2]) === ordered) i = j;
    }
  }
  const startNumber = ordered ? parseInt(first[2], 10) : 1;
  const open = ordered ? (startNumber !== 1 ? `<ol start="${startNumber}">` : '<ol>') : '<ul>';
  const rendered = items.map(content => `<li>${renderItem(content, headingOffset)}</li>`);
  out.push(`${open}${rendered.join('')}${ordered ? '</ol>' : '</ul>'}`);
  return i;
}

/** A tight item's leading text stays inline (no <p>); an item with blank lines is rendered as blocks. */
function renderItem(content, headingOffset) {
  if (content.some(l => BLANK.test(l))) return renderBlocks(content, headingOffset);
  let textLines = 0;
  while (textLines < content.length && !startsBlock(content[textLines])) textLines++;
  const text = renderInline(content.slice(0, textLines).join('\n'));
  return textLines < content.length ? `${text}\n${renderBlocks(content.slice(textLines), headingOffset)}` : text;
}

/** Renders one paragraph's inline markup: code spans, http(s) links and emphasis. */
export function renderInline(text) {
  const kept = [];
  const keep = html => `\u0000${kept.push(html) - 1}\u0000`;
  // Code spans first: their content is shown literally.
  let s = String(text).replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g,
    (_, ticks, code) => keep(`<code>${escapeHtml(code.replace(/^ (.*) $/s, '$1'))}</code>`));
  s = escapeHtml(s);
  // The URL is already escaped, so it cannot leave its quoted attribute.
  s = s.replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s()]+)\)/g,
    (_, label, url) => keep(`<a href="${url}" rel="noopener noreferrer nofollow" target="_blank">${emphasis(label)}</a>`));
  s = emphasis(s);
  const placeholder = /\u0000(\d+)\u0000/g;
  while (placeholder.test(s)) s = s.replace(placeholder, (_, index) => kept[Number(index)]);
  return s;
}

function emphasis(s) {
  return s
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1<strong>$2</strong>')
    .replace(/\*(?=\S)([\s\S]*?\S)\*/g, '<em>$1</em>')
    .replace(/(^|[^\w])_(?=\S)([\s\S]*?\S)_(?!\w)/g, '$1<em>$2</em>')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '<del>$1</del>');
}

/** The first paragraph as plain text without markup characters, for card summaries. */
export function plainSummary(source, maxLength = 160) {
  const text = String(source ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/^ {0,3}#{1,6}[ \t].*$/gm, '')
    .split(/\n[ \t]*\n/)
    .map(p => p.replace(/^[ \t]*(#{1,6}|>|[-*+]|\d+[.)])[ \t]+/gm, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[*~`]|\b__|__\b/g, '')
      .replace(/\s+/g, ' ')
      .trim())
    .find(p => p.length > 0) ?? '';
  return text.length > maxLength ? `${text.slice(0, maxLength - 1).trimEnd()}…` : text;
}
