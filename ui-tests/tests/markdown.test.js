// Unit tests of the UI's Markdown renderer (no browser): it must never let HTML through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, plainSummary, renderInline, renderMarkdown } from '../../ui-static/src/main/resources/ui/js/markdown.js';

test('escapes every HTML character', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

test('shows HTML in the source as text', () => {
  assert.equal(renderMarkdown('<script>alert(1)</script>\n<img src=x onerror=alert(1)>'),
    '<p>&lt;script&gt;alert(1)&lt;/script&gt;\n&lt;img src=x onerror=alert(1)&gt;</p>');
  assert.equal(renderMarkdown('# <b>x</b>'), '<h1>&lt;b&gt;x&lt;/b&gt;</h1>');
  assert.equal(renderMarkdown('- <i>x</i>'), '<ul><li>&lt;i&gt;x&lt;/i&gt;</li></ul>');
});

test('keeps only http(s) links, with their URL escaped', () => {
  assert.equal(renderInline('[docs](https://example.com/a?b=1&c=2)'),
    '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" target="_blank">docs</a>');
  assert.equal(renderInline('[x](javascript:alert(1))'), '[x](javascript:alert(1))');
  assert.equal(renderInline('[x](data:text/html,hi)'), '[x](data:text/html,hi)');
  assert.equal(renderInline('[x](https://e.com/"onmouseover="alert(1))'), '[x](https://e.com/&quot;onmouseover=&quot;alert(1))');
  assert.doesNotMatch(renderInline('[x](https://e.com/a"b)'), /href="[^"]*"[^ >]/);
});

test('renders emphasis, code and strike-through', () => {
  assert.equal(renderInline('**bold** *em* _em_ ~~gone~~ `a <b> *c*`'),
    '<strong>bold</strong> <em>em</em> <em>em</em> <del>gone</del> <code>a &lt;b&gt; *c*</code>');
  assert.equal(renderInline('snake_case_name stays'), 'snake_case_name stays');
});

test('renders headings, paragraphs, lists, quotes, rules and code blocks', () => {
  const html = renderMarkdown([
    '# Title', '', 'One **line**', 'two.', '', '- a', '- b', '  - nested', '', '3. three', '4. four', '',
    '> quoted', '', '---', '', '```python', 'print("<x>")', '```',
  ].join('\n'));
  assert.equal(html, [
    '<h1>Title</h1>',
    '<p>One <strong>line</strong>\ntwo.</p>',
    '<ul><li>a</li><li>b\n<ul><li>nested</li></ul></li></ul>',
    '<ol start="3"><li>three</li><li>four</li></ol>',
    '<blockquote><p>quoted</p></blockquote>',
    '<hr>',
    '<pre><code class="language-python">print(&quot;&lt;x&gt;&quot;)</code></pre>',
  ].join('\n'));
});

test('fits headings under the page outline', () => {
  assert.equal(renderMarkdown('### A\n#### B', { topHeadingLevel: 3 }), '<h3>A</h3>\n<h4>B</h4>');
  assert.equal(renderMarkdown('# A\n###### F', { topHeadingLevel: 3 }), '<h3>A</h3>\n<h6>F</h6>');
});

test('an unclosed code block runs to the end and stays escaped', () => {
  assert.equal(renderMarkdown('```\n<script>'), '<pre><code>&lt;script&gt;</code></pre>');
});

test('summarizes the first paragraph as plain text', () => {
  assert.equal(plainSummary('# Title\n\nA **bold** [link](https://x.y) `code`.\n\nMore.'), 'A bold link code.');
  assert.equal(plainSummary('x'.repeat(200), 20), `${'x'.repeat(19)}…`);
  assert.equal(plainSummary(null), '');
});
