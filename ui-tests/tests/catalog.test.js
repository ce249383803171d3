// Browser tests of the web UI against a running catalog-service (MODELCAT_BASE_URL).
//
// They expect the five cards that io.modelcat.catalog.ui.CatalogUiTest creates and nothing else:
//   alpha-sentiment  text-classification   apache-2.0  (Markdown description with a table and an XSS attempt, 2 versions)
//   beta-ner         token-classification  mit
//   delta-writer     text-generation       mit
//   epsilon-summary  summarization         cc-by-4.0
//   gamma-qa         question-answering    apache-2.0
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, eventually, launchBrowser, openPage, screenshot } from './browser.js';

const ALL = ['alpha-sentiment', 'beta-ner', 'delta-writer', 'epsilon-summary', 'gamma-qa'];

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Runs a test body in a fresh page and fails on console errors, uncaught exceptions and dialogs. */
async function withPage(body, { allowedConsoleErrors = [] } = {}) {
  const { context, page, problems } = await openPage(browser);
  try {
    await body(page);
  } finally {
    await context.close();
  }
  const unexpected = problems.consoleErrors.filter(text => !allowedConsoleErrors.some(pattern => pattern.test(text)));
  assert.deepEqual(unexpected, [], 'console errors');
  assert.deepEqual(problems.pageErrors, [], 'uncaught exceptions');
  assert.deepEqual(problems.dialogs, [], 'dialogs');
}

const names = page => page.$$eval('#grid .card-title a', links => links.map(a => a.textContent));

async function expectNames(page, expected) {
  await eventually(async () => assert.deepEqual(await names(page), expected));
}

async function facetCounts(page, facet) {
  return page.$$eval(`fieldset[data-facet="${facet}"] li`, items => Object.fromEntries(
    items.map(li => [li.dataset.value, Number(li.querySelector('.count').textContent)])));
}

async function expectSummary(page, pattern) {
  await eventually(async () => assert.match(await page.textContent('#summary'), pattern));
}

// Tests click rather than check(): the list re-renders after each choice, and check() would look at the old box.
const facetBox = (page, facet, value) => page.locator(`fieldset[data-facet="${facet}"] input[value="${value}"]`);

describe('catalog page', () => {
  test('lists all models with facet counts', () => withPage(async page => {
    await page.goto(`${BASE_URL}/`);
    await expectNames(page, ALL);
    await expectSummary(page, /^5 models$/);
    assert.equal(await page.title(), 'Catalog · ModelCat');
    assert.deepEqual(await facetCounts(page, 'license'), { 'apache-2.0': 2, mit: 2, 'cc-by-4.0': 1 });
    assert.equal(Object.keys(await facetCounts(page, 'task')).length, 5);
    assert.equal((await facetCounts(page, 'finetuningTask'))['text-classification'], 1);
    const card = page.locator('#grid .card', { hasText: 'alpha-sentiment' });
    assert.equal(await card.locator('.badge.task').textContent(), 'text-classification');
    assert.equal(await card.locator('.badge.license').textContent(), 'apache-2.0');
    // Its versions make it ready; the others have none.
    assert.equal(await card.locator('.status').textContent(), 'Ready');
    assert.equal(await page.locator('#grid .card', { hasText: 'beta-ner' }).locator('.status').textContent(), 'Not imported');
    assert.deepEqual(await card.locator('.tag').allTextContents(), ['english', 'sentiment']);
    // The summary is plain text: the Markdown marks and the HTML stay out of the card.
    assert.match(await card.locator('.card-summary').textContent(), /^A sentiment classifier/);
    assert.equal(await page.getAttribute('nav[aria-label="Main"] a[href$="swagger-ui/index.html"]', 'href'),
      'swagger-ui/index.html');
    assert.equal(await page.getAttribute('[data-nav="catalog"]', 'aria-current'), 'page');
    await screenshot(page, '01-catalog');
  }));

  test('filters by task and licence, updating the counts, the grid and the URL', () => withPage(async page => {
    await page.goto(`${BASE_URL}/`);
    await expectNames(page, ALL);

    await facetBox(page, 'task', 'text-classification').click();
    await expectNames(page, ['alpha-sentiment']);
    await expectSummary(page, /^1 model$/);
    assert.match(page.url(), /#\/\?task=text-classification$/);
    // The licence counts are those of the chosen task.
    await eventually(async () => assert.deepEqual(await facetCounts(page, 'license'), { 'apache-2.0': 1 }));
    // Each dimension's counts leave out its own filter, so the other tasks stay choosable.
    assert.equal(Object.keys(await facetCounts(page, 'task')).length, 5);
    await screenshot(page, '02-catalog-task-filter');

    await facetBox(page, 'license', 'apache-2.0').click();
    await expectNames(page, ['alpha-sentiment']);
    await facetBox(page, 'task', 'text-classification').click();
    await expectNames(page, ['alpha-sentiment', 'gamma-qa']);
    await eventually(async () => assert.deepEqual(await facetCounts(page, 'task'),
      { 'question-answering': 1, 'text-classification': 1 }));
    assert.match(page.url(), /#\/\?license=apache-2.0$/);

    // A choice with no models shows the empty state and keeps the chosen values with their zero counts.
    await facetBox(page, 'license', 'apache-2.0').click();
    await expectNames(page, ALL);
    await facetBox(page, 'task', 'text-classification').click();
    await facetBox(page, 'task', 'token-classification').click();
    await expectNames(page, ['alpha-sentiment', 'beta-ner']);
    await facetBox(page, 'license', 'mit').click();
    await expectNames(page, ['beta-ner']);
    await facetBox(page, 'task', 'token-classification').click();
    await expectNames(page, []);
    await eventually(async () => assert.match(await page.textContent('#catalog-message'), /No models match/));
    assert.equal((await facetCounts(page, 'license')).mit, 0);
    assert.equal(await facetBox(page, 'task', 'text-classification').isChecked(), true);
    await screenshot(page, '03-catalog-empty');

    // Reload keeps the filters; back undoes the last one.
    await page.reload();
    await expectNames(page, []);
    assert.equal(await facetBox(page, 'license', 'mit').isChecked(), true);
    await page.goBack();
    await expectNames(page, ['beta-ner']);

    await page.click('#clear-filters');
    await expectNames(page, ALL);
    assert.match(page.url(), /#\/$/);
  }));

  test('filters from the keyboard and keeps the focus on the checkbox', () => withPage(async page => {
    await page.goto(`${BASE_URL}/`);
    await expectNames(page, ALL);
    await facetBox(page, 'license', 'mit').focus();
    await page.keyboard.press('Space');
    await expectNames(page, ['beta-ner', 'delta-writer']);
    assert.equal(await page.evaluate(() => document.activeElement?.value), 'mit');
    await page.keyboard.press('Space');
    await expectNames(page, ALL);
  }));

  test('searches as the reader types', () => withPage(async page => {
    await page.goto(`${BASE_URL}/`);
    await expectNames(page, ALL);
    await page.getByLabel('Search models').fill('gamma');
    await expectNames(page, ['gamma-qa']);
    assert.match(page.url(), /#\/\?q=gamma$/);
    assert.equal(await page.inputValue('#sort'), 'relevance');
    await page.getByLabel('Search models').fill('sentiment');
    await page.keyboard.press('Enter');
    await expectNames(page, ['alpha-sentiment']);
    await screenshot(page, '04-catalog-search');
    await page.getByLabel('Search models').fill('');
    await expectNames(page, ALL);
    assert.equal(await page.inputValue('#sort'), 'name');
  }));

  test('sorts', () => withPage(async page => {
    await page.goto(`${BASE_URL}/`);
    await expectNames(page, ALL);
    await page.getByLabel('Sort by').selectOption('-name');
    await expectNames(page, [...ALL].reverse());
    assert.match(page.url(), /sort=-name/);
    await page.getByLabel('Sort by').selectOption('createdAt');
    await expectNames(page, ['alpha-sentiment', 'beta-ner', 'gamma-qa', 'delta-writer', 'epsilon-summary']);
  }));

  test('pages with Next and Previous, and survives a reload', () => withPage(async page => {
    await page.goto(`${BASE_URL}/#/?limit=2`);
    await expectNames(page, ['alpha-sentiment', 'beta-ner']);
    await expectSummary(page, /^5 models · showing 1–2$/);
    assert.equal(await page.isDisabled('#previous'), true);

    await page.click('#next');
    await expectNames(page, ['delta-writer', 'epsilon-summary']);
    await expectSummary(page, /showing 3–4$/);
    await page.click('#next');
    await expectNames(page, ['gamma-qa']);
    assert.equal(await page.textContent('#page-label'), 'Page 3');
    await eventually(async () => assert.equal(await page.isDisabled('#next'), true));
    await screenshot(page, '05-catalog-page-3');

    await page.reload();
    await expectNames(page, ['gamma-qa']);
    await page.click('#previous');
    await expectNames(page, ['delta-writer', 'epsilon-summary']);
    await page.click('#previous');
    await expectNames(page, ['alpha-sentiment', 'beta-ner']);
    await eventually(async () => assert.equal(await page.isDisabled('#previous'), true));
    await page.goBack();
    await expectNames(page, ['delta-writer', 'epsilon-summary']);
  }));

  test('shows API errors with their detail and field errors', () => withPage(async page => {
    await page.goto(`${BASE_URL}/#/?cursor=not-a-cursor`);
    await eventually(async () => assert.match(await page.textContent('#catalog-message'), /cursor/));
    assert.match(await page.textContent('.problem-fields'), /cursor: is not a cursor this API returned/);
    await screenshot(page, '06-catalog-error');
  }, { allowedConsoleErrors: [/status of 400/] }));

  test('offers a retry when the service fails', () => withPage(async page => {
    const failing = route => route.fulfill({
      status: 503, contentType: 'application/problem+json',
      body: JSON.stringify({ title: 'Service Unavailable', status: 503, detail: 'the database is not reachable' }),
    });
    await page.route('**/api/v1/models?*', failing);
    await page.goto(`${BASE_URL}/`);
    await eventually(async () => assert.match(await page.textContent('.problem'), /Service Unavailable.*the database is not reachable/s));
    await page.unroute('**/api/v1/models?*', failing);
    await page.getByRole('button', { name: 'Try again' }).click();
    await expectNames(page, ALL);
    assert.equal(await page.locator('.problem').count(), 0);
  }, { allowedConsoleErrors: [/status of 503/] }));
});

describe('model card page', () => {
  test('shows the card with its Markdown rendered safely', () => withPage(async page => {
    await page.goto(`${BASE_URL}/#/?license=apache-2.0`);
    await expectNames(page, ['alpha-sentiment', 'gamma-qa']);
    await page.click('text=alpha-sentiment');
    await eventually(async () => assert.equal(await page.textContent('h1'), 'alpha-sentiment'));
    assert.match(page.url(), /#\/models\/[0-9a-f-]{36}$/);
    assert.equal(await page.title(), 'alpha-sentiment · ModelCat');
    assert.equal(await page.textContent('#model-publisher'), 'acme');
    const header = page.locator('.model-header');
    assert.equal(await header.locator('.badge.task').textContent(), 'text-classification');
    assert.equal(await header.locator('.badge.license').textContent(), 'apache-2.0');
    assert.equal(await header.locator('.status').textContent(), 'Ready');

    const description = page.locator('#description');
    assert.equal(await description.locator('h3').textContent(), 'Overview');
    assert.deepEqual(await description.locator('strong').allTextContents(), ['English', 'sentiment']);
    assert.deepEqual(await description.locator('em').allTextContents(), ['English']);
    assert.deepEqual(await description.locator('ul > li').allTextContents(), ['positive', 'negative']);
    assert.equal(await description.locator('pre code').textContent(), 'classify("I love it") # <b>not bold</b>');
    // A GFM table, as Hugging Face READMEs report results: its HTML stays text, a right-aligned column stays so.
    const table = description.locator('table');
    assert.deepEqual(await table.locator('thead th').allTextContents(), ['Split', 'Accuracy']);
    assert.deepEqual(await table.locator('tbody td').allTextContents(), ['test', '0.91', '<b>dev</b>', '0.88']);
    assert.equal(await table.locator('b').count(), 0);
    assert.equal(await table.locator('tbody td').nth(1).evaluate(td => getComputedStyle(td).textAlign), 'right');
    assert.equal(await description.locator('a').count(), 1);
    assert.equal(await description.locator('a').getAttribute('href'), 'https://example.com/docs?a=1&b=2');
    // The HTML in the description is text: no script, no image, no handler, no javascript: link.
    const text = await description.textContent();
    assert.match(text, /<script>window\.xssRan = true; alert\("xss"\)<\/script>/);
    assert.match(text, /<img src=x onerror="window\.xssRan = true">/);
    assert.match(text, /\[click me\]\(javascript:window\.xssRan=true\)/);
    assert.equal(await description.locator('script, img, [onerror]').count(), 0);
    assert.equal(await page.evaluate(() => window.xssRan), undefined);

    assert.deepEqual(await page.locator('#finetuning-tasks .tag').allTextContents(), ['text-classification']);
    assert.deepEqual(await page.locator('#model-tags .tag').allTextContents(), ['english', 'sentiment']);
    assert.equal(await page.getAttribute('#hub-link', 'href'), 'https://huggingface.co/acme/alpha-sentiment');
    assert.match(await page.textContent('.samples'), /I love this!/);
    // Try it: the first sample input is offered, ready to run.
    assert.equal(await page.inputValue('#tryit-text'), 'I love this!');
    assert.equal(await page.isEnabled('#tryit-submit'), true);

    // Versions, newest first, with the parent each was derived from and its lineage.
    const v2 = page.locator('#versions tr[data-version="2"]');
    assert.equal(await v2.locator('td.parent').textContent(), 'v1');
    assert.match(await v2.textContent(), /dataset\s*imdb/);
    assert.equal(await page.locator('#versions tr[data-version="1"] td.parent').textContent(), '—');

    // Imported already: Import says so; a version has files, so it can be evaluated and fine-tuned.
    const importButton = page.getByRole('button', { name: 'Import', exact: true });
    assert.equal(await importButton.getAttribute('aria-disabled'), 'true');
    assert.match(await importButton.getAttribute('title'), /^Already imported/);
    const id = await page.getAttribute('article.model', 'data-id');
    assert.equal(await page.getByRole('link', { name: 'Evaluate' }).getAttribute('href'), `#/models/${id}/evaluate`);
    assert.equal(await page.getByRole('link', { name: 'Fine-tune' }).getAttribute('href'), `#/models/${id}/finetune`);
    assert.equal(await page.locator('#versions tr[data-version="1"] a.export-link').getAttribute('href'),
      `api/v1/models/${id}/versions/1/archive`);
    await eventually(async () => assert.match(await page.textContent('#model-metrics'), /No metrics yet/));
    await screenshot(page, '07-model');

    // Back to the catalog as the reader left it.
    await page.click('text=← Catalog');
    await expectNames(page, ['alpha-sentiment', 'gamma-qa']);
  }));

  test('shows question-answering samples', () => withPage(async page => {
    await page.goto(`${BASE_URL}/`);
    await page.click('text=gamma-qa');
    await eventually(async () => assert.match(await page.textContent('.samples'), /Question: Where is the tower\?/));
    assert.match(await page.textContent('.samples'), /Context: The tower is in Paris\./);
    assert.match(await page.textContent('#versions-empty'), /No versions yet/);
    // No files, and question answering is not an engine task: Evaluate and Fine-tune say why.
    for (const label of ['Evaluate', 'Fine-tune']) {
      const button = page.getByRole('button', { name: label });
      assert.equal(await button.getAttribute('aria-disabled'), 'true');
      assert.match(await button.getAttribute('title'), /import the model first/);
    }
  }));

  test('says when a model does not exist', () => withPage(async page => {
    await page.goto(`${BASE_URL}/#/models/00000000-0000-4000-8000-000000000000`);
    await eventually(async () => assert.equal(await page.textContent('h1'), 'Model not found'));
    assert.match(await page.textContent('.problem'), /00000000-0000-4000-8000-000000000000/);
    await screenshot(page, '08-model-not-found');
    await page.goto(`${BASE_URL}/#/models/not-an-id`);
    await eventually(async () => assert.match(await page.textContent('.problem-fields'), /id: /));
  }, { allowedConsoleErrors: [/status of 40[04]/] }));
});
