// Unit tests of the UI's Markdown renderer (no browser): it must never let HTML through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import './node-dom.js';
import { escapeHtml, inlineFragment, markdownFragment, renderInline, renderMarkdown } from '../../ui-static/src/main/resources/ui/js/markdown.js';

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

// Hugging Face model cards (stored as descriptions) report results in GitHub-flavoured tables.
test('renders GFM tables, with alignment, inline markup and HTML as text, in a scrolling box', () => {
  assert.equal(renderMarkdown([
    '| Metric | Value | Notes |', '|:--|--:|:-:|', '| **F1** | 0.91 | see [paper](https://arxiv.org/abs/1810.04805) |',
    '| <b>acc</b> | `a \\| b` | |',
  ].join('\n')), [
    '<div class="table-scroll"><table>',
    '<thead><tr><th align="left">Metric</th><th align="right">Value</th><th align="center">Notes</th></tr></thead>',
    '<tbody><tr><td align="left"><strong>F1</strong></td><td align="right">0.91</td><td align="center">see ',
    '<a href="https://arxiv.org/abs/1810.04805" rel="noopener noreferrer nofollow" target="_blank">paper</a></td></tr>',
    '<tr><td align="left">&lt;b&gt;acc&lt;/b&gt;</td><td align="right"><code>a | b</code></td><td align="center"></td></tr></tbody>',
    '</table></div>',
  ].join(''));
  assert.equal(renderMarkdown('| only | header |\n|---|---|'),
    '<div class="table-scroll"><table><thead><tr><th>only</th><th>header</th></tr></thead></table></div>');
});

test('renders a Hugging Face README: headings, a results table and a code block', () => {
  const readme = [
    '# bert-base-uncased', '', '## Evaluation results', '',
    'When fine-tuned on downstream tasks, this model achieves the following results:', '',
    '| Task | MNLI-(m/mm) | QQP | QNLI |', '|:----:|:-----------:|:----:|:----:|', '|      | 84.6/83.4   | 71.2 | 90.5 |', '',
    '```python', 'from transformers import pipeline', '```',
  ].join('\n');
  const html = renderMarkdown(readme, { topHeadingLevel: 3 });
  assert.match(html, /^<h3>bert-base-uncased<\/h3>\n<h4>Evaluation results<\/h4>\n<p>When fine-tuned/);
  assert.match(html, /<th align="center">MNLI-\(m\/mm\)<\/th>/);
  assert.match(html, /<td align="center">84\.6\/83\.4<\/td><td align="center">71\.2<\/td>/);
  assert.match(html, /<pre><code class="language-python">from transformers import pipeline<\/code><\/pre>$/);
});

test('never loads images: an image becomes a link to it, a linked badge its text', () => {
  assert.equal(renderInline('![loss curve](https://example.com/loss.png)'),
    '<a href="https://example.com/loss.png" rel="noopener noreferrer nofollow" target="_blank">loss curve</a>');
  assert.equal(renderInline('[![CI](https://img.shields.io/ci.svg)](https://github.com/x/y)'),
    '<a href="https://github.com/x/y" rel="noopener noreferrer nofollow" target="_blank">CI</a>');
  assert.equal(renderInline('![x](javascript:alert(1))'), '![x](javascript:alert(1))');
});

test('shows task lists with characters, not form controls', () => {
  assert.equal(renderMarkdown('- [ ] to do\n- [x] done'), '<ul><li>☐ to do</li><li>☑ done</li></ul>');
});

// Whatever the renderer makes, the sanitiser keeps only plain document markup and http(s) links.
test('lets no script, handler, frame or non-http(s) URL through', () => {
  const attacks = [
    '<script>alert(1)</script>', '<svg onload=alert(1)>', '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">x</a>', '<img src=x onerror=alert(1)>', '<style>*{}</style>', '<!-- x --><b>y</b>',
    '[x](JaVaScRiPt:alert(1))', '[x]( javascript:alert(1))', '[x](java&#115;cript:alert(1))', '[x](&#106;avascript:alert(1))',
    '[x](vbscript:msgbox(1))', '[x](data:text/html;base64,PHNjcmlwdD4=)', '[x](//evil.example/)', '[x](/relative)',
    '[x][ref]\n\n[ref]: javascript:alert(1)', '<javascript:alert(1)>', '<mailto:a@b.c>', 'a@b.c', 'www.example.com',
    '[x](https://e.com/" onmouseover="alert(1))', '![x](https://e.com/x.png" onerror="alert(1))',
    '| a |\n|---|\n| <img src=x onerror=alert(1)> |', '> <script>alert(1)</script>', '- <svg/onload=alert(1)>',
    '# <iframe srcdoc="<script>alert(1)</script>">', '`<script>`', '```html\n<script>alert(1)</script>\n```',
    '<details open ontoggle=alert(1)>', '<form action="https://evil.example"><button>go</button></form>',
  ];
  const allowed = new Set(['A', 'BLOCKQUOTE', 'BR', 'CODE', 'DEL', 'DIV', 'EM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HR', 'LI',
    'OL', 'P', 'PRE', 'STRONG', 'TABLE', 'TBODY', 'TD', 'TH', 'THEAD', 'TR', 'UL']);
  for (const source of attacks) {
    for (const fragment of [markdownFragment(source), inlineFragment(source)]) {
      for (const element of fragment.querySelectorAll('*')) {
        assert.ok(allowed.has(element.tagName), `${source}: <${element.tagName}>`);
        for (const { name, value } of element.attributes) {
          assert.ok(!/^on/i.test(name), `${source}: ${name}`);
          if (name === 'href') assert.match(value, /^https?:\/\/[^\s"'<>]+$/, source);
        }
      }
    }
  }
});

