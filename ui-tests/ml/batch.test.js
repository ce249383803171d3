// Browser tests of invoking a batch endpoint and downloading a batch job's outputs, against a catalog-service with
// no runner (jobs stay queued). They run after tests/ (they add a job, which tests/ counts) and expect what
// tests/batch-endpoints.test.js leaves (ui-nightly with its deployments, the dataset ui-batch-reviews.csv) and the
// succeeded batch job of ui-nightly that io.modelcat.catalog.ui.CatalogUiTest adds with its outputs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, eventually, launchBrowser, screenshot, withPage } from '../tests/browser.js';

const FINISHED = '00000000-0000-4000-8000-0000000000b1';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const jobRow = (page, id) => page.locator(`#batch-jobs tbody tr[data-job="${id}"]`);

describe('a batch endpoint\'s jobs', () => {
  test('a succeeded job offers its predictions.csv and predictions.jsonl', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/batch-endpoints/ui-nightly`);
    await page.waitForSelector(`#batch-jobs tbody tr[data-job="${FINISHED}"]`);
    const row = jobRow(page, FINISHED);
    assert.equal(await row.locator('.badge.job-state').textContent(), 'Succeeded');
    assert.match(await row.locator('.batch-mini-batches').textContent(), /1 of 1 mini-batches · 2 of 3 rows scored · 1 bad/);
    assert.deepEqual(await row.locator('.batch-outputs a').evaluateAll(a => a.map(x => x.textContent)),
      ['predictions.csv', 'predictions.jsonl']);
    const href = await row.locator('.batch-outputs a[data-file="predictions.csv"]').getAttribute('href');
    const csv = await page.request.get(new URL(href, page.url()).toString());
    assert.equal(csv.status(), 200);
    assert.equal(await csv.text(), '0,positive,ui-batch-reviews.csv\n2,negative,ui-batch-reviews.csv\n');
    assert.match(csv.headers()['content-disposition'], /predictions\.csv/);
  }));

  test('an invocation with the dataset and its column mapping queues a job that shows in the list', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/batch-endpoints/ui-nightly`);
    await page.waitForSelector('#batch-invoke');
    const dataset = await page.locator('#batch-dataset option', { hasText: 'ui-batch-reviews.csv' }).getAttribute('value');
    await page.selectOption('#batch-dataset', dataset);
    await page.waitForSelector('#batch-mapping-text');
    await page.selectOption('#batch-mapping-text', 'review');
    await page.fill('#batch-setting-miniBatchSize', '2');
    await page.fill('#batch-invoke-output', 'ui-scores.csv');
    // Another deployment of the same task keeps the columns chosen.
    await page.selectOption('#batch-invoke-deployment', 'blue');
    assert.equal(await page.inputValue('#batch-mapping-text'), 'review');
    await page.click('#batch-invoke-submit');
    await page.waitForSelector('#batch-invoke-queued');
    const id = await page.locator('#batch-invoke-queued a').textContent();
    await eventually(async () => assert.equal(await jobRow(page, id).count(), 1));
    const row = jobRow(page, id);
    assert.equal(await row.locator('.badge.job-state').textContent(), 'Queued');
    assert.match(await row.locator('.batch-mini-batches').textContent(), /Waiting for a runner/);
    assert.equal(await row.locator('td').first().textContent(), 'blue');
    assert.equal(await row.locator('.batch-outputs a').count(), 0, 'no outputs before it succeeds');
    await screenshot(page, '42-batch-jobs');

    const job = await (await page.request.get(`${BASE_URL}/api/v1/jobs/${id}`)).json();
    assert.equal(job.kind, 'batch-score');
    assert.deepEqual(job.params.inputColumns, { text: 'review' });
    assert.equal(job.params.miniBatchSize, 2);
    assert.equal(job.params.outputFileName, 'ui-scores.csv');
  }));
});
