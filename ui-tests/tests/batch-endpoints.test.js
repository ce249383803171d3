// Browser tests of the batch endpoint pages against catalog-service alone: creating an endpoint with its first
// deployment (field errors beside the fields), the endpoint page's deployments (the default, another one made the
// default, their instance counts), the Invoke form's dataset upload, column mapping and settings (the instance count
// starting as the deployment's) with the API's field errors beside them,
// and what a viewer sees. They invoke nothing successfully (jobs.test.js counts the jobs): ml/batch.test.js does.
//
// They expect the cards of io.modelcat.catalog.ui.CatalogUiTest (alpha-sentiment with files, epsilon-summary for a
// task that cannot be scored), its admin and its viewer. They add batch endpoints named ui-* and one dataset.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, eventually, launchBrowser, modelNamed, screenshot, withPage } from './browser.js';

const VIEWER = { username: process.env.MODELCAT_UI_VIEWER_USERNAME, password: process.env.MODELCAT_UI_VIEWER_PASSWORD };
// Field errors (400) and conflicts (409) are answers the page shows; the browser logs them as failures.
const EXPECTED = [/status of (400|409)/];

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

describe('batch endpoints', () => {
  test('are created with a first deployment; the API\'s field errors show beside the fields', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/batch-endpoints`);
    await page.waitForSelector('#batch-create');
    assert.equal(await page.title(), 'Batch endpoints · ModelCat');
    assert.equal(await page.getAttribute('[data-nav="batch-endpoints"]', 'aria-current'), 'page');
    await eventually(async () => assert.match(await page.textContent('#batch-endpoints-summary'), /No batch endpoints yet/));
    const models = await page.locator('#batch-create-model option').evaluateAll(o => o.map(x => x.textContent));
    assert.ok(models.some(m => m.startsWith('alpha-sentiment')), 'a text classifier is offered');
    assert.ok(models.some(m => m.startsWith('epsilon-summary')), 'a summarizer is too: batch endpoints score summarization');

    await page.fill('#batch-create-name', 'UI Nightly');
    await page.click('#batch-create-submit');
    await eventually(async () => assert.match(await page.textContent('#batch-create-name-error'), /lowercase letters/));
    assert.equal(await page.getAttribute('#batch-create-name', 'aria-invalid'), 'true');

    const alpha = await modelNamed(page, 'alpha-sentiment');
    await page.fill('#batch-create-name', 'ui-nightly');
    await page.fill('#batch-create-description', 'reviews of the night');
    await page.selectOption('#batch-create-model', alpha.id);
    await page.fill('#batch-create-version', '7');
    await page.click('#batch-create-submit');
    await eventually(async () => assert.match(await page.textContent('#batch-create-version-error'), /has no version 7/));
    assert.match(await page.textContent('#batch-create-status'), /ui-nightly was made; its deployment was not/);

    // The endpoint exists now: its page adds the deployment.
    await page.goto(`${BASE_URL}/#/batch-endpoints/ui-nightly`);
    await page.waitForSelector('#batch-deployments-none');
    assert.equal(await page.textContent('#batch-endpoint-title'), 'ui-nightly');
    assert.match(await page.textContent('#batch-endpoint-path'), /POST \/api\/v1\/batch-endpoints\/ui-nightly\/jobs/);
    assert.match(await page.textContent('#batch-invoke-none'), /Add a deployment first/);
    await page.click('#batch-add-deployment summary');
    await page.fill('#batch-add-name', 'blue');
    await eventually(async () => assert.ok(await page.locator(`#batch-add-model option[value="${alpha.id}"]`).count()));
    await page.selectOption('#batch-add-model', alpha.id);
    await page.click('#batch-add-submit');
    await page.waitForSelector('#batch-deployments tr[data-deployment="blue"]');
    assert.match(await page.textContent('#batch-deployments tr[data-deployment="blue"]'), /default.*alpha-sentiment v2/s);
    await page.click('#batch-add-deployment summary');
    await page.fill('#batch-add-name', 'green');
    await eventually(async () => assert.ok(await page.locator(`#batch-add-model option[value="${alpha.id}"]`).count()));
    await page.selectOption('#batch-add-model', alpha.id);
    await page.fill('#batch-add-version', '1');
    assert.equal(await page.inputValue('#batch-add-instances'), '1');
    await page.fill('#batch-add-instances', '17');
    await page.click('#batch-add-submit');
    await eventually(async () => assert.match(await page.textContent('#batch-add-instances-error'), /between 1 and 16/));
    await page.fill('#batch-add-instances', '3');
    await page.click('#batch-add-submit');
    await page.waitForSelector('#batch-deployments tr[data-deployment="green"]');
    assert.equal(await page.textContent('#batch-deployments tr[data-deployment="green"] .batch-instance-count'), '3');
    assert.equal(await page.textContent('#batch-deployments tr[data-deployment="blue"] .batch-instance-count'), '1');
    // Blue changed: a count out of range is refused beside its field, then version 1 on 2 instances.
    await page.click('#batch-deployments tr[data-deployment="blue"] .batch-change summary');
    assert.equal(await page.inputValue('#batch-change-blue-version'), '2');
    await page.fill('#batch-change-blue-instances', '17');
    await page.click('#batch-deployments tr[data-deployment="blue"] .batch-change button[type="submit"]');
    await eventually(async () => assert.match(await page.textContent('#batch-change-blue-instances-error'), /between 1 and 16/));
    await page.fill('#batch-change-blue-version', '1');
    await page.fill('#batch-change-blue-instances', '2');
    await page.click('#batch-deployments tr[data-deployment="blue"] .batch-change button[type="submit"]');
    await eventually(async () => assert.equal(
      await page.textContent('#batch-deployments tr[data-deployment="blue"] .batch-instance-count'), '2'));
    assert.match(await page.textContent('#batch-deployments tr[data-deployment="blue"]'), /alpha-sentiment v1/);
    await page.click('#batch-deployments tr[data-deployment="green"] button:has-text("Make default")');
    // Not the row's text: its own "Make default" button says "default" too, before the row is drawn anew.
    await page.waitForSelector('#batch-deployments tr[data-deployment="green"] #batch-default-badge');
    await page.click('#batch-deployments tr[data-deployment="green"] button:has-text("Delete")');
    await eventually(async () => assert.match(await page.textContent('#batch-endpoint-message'), /is the default/));

    await page.goto(`${BASE_URL}/#/batch-endpoints`);
    await eventually(async () => assert.match(await page.textContent('#batch-endpoints-summary'), /1 batch endpoint/));
    assert.equal(await page.textContent('#batch-endpoints tr[data-endpoint="ui-nightly"] .batch-default'), 'green');
    await screenshot(page, '40-batch-endpoints');
  }, { allowedConsoleErrors: EXPECTED }));

  test('the Invoke form maps the task\'s inputs to the columns of an uploaded dataset and shows the API\'s refusals', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/batch-endpoints/ui-nightly`);
    await page.waitForSelector('#batch-invoke');
    assert.equal(await page.inputValue('#batch-invoke-deployment'), 'green', 'the default is chosen');
    assert.match(await page.textContent('#batch-mapping-empty'), /Choose or upload a dataset/);
    assert.equal(await page.inputValue('#batch-setting-miniBatchSize'), '10');
    assert.equal(await page.inputValue('#batch-setting-errorThreshold'), '-1');
    assert.equal(await page.inputValue('#batch-setting-maxRetries'), '3');
    assert.equal(await page.inputValue('#batch-setting-instanceCount'), '3', 'the deployment\'s instance count');
    assert.equal(await page.inputValue('#batch-invoke-output'), 'predictions.csv');
    await page.selectOption('#batch-invoke-deployment', 'blue');
    assert.equal(await page.inputValue('#batch-setting-instanceCount'), '2');
    await page.selectOption('#batch-invoke-deployment', 'green');

    await page.setInputFiles('#batch-file', { name: 'ui-batch-reviews.csv', mimeType: 'text/csv',
      buffer: Buffer.from('id,review\n1,great film\n2,dull\n3,fine\n') });
    await page.click('#batch-upload');
    await page.waitForSelector('#batch-preview table');
    assert.deepEqual(await page.locator('#batch-mapping-text option').evaluateAll(o => o.map(x => x.value)), ['', 'id', 'review']);
    assert.equal(await page.inputValue('#batch-mapping-text'), '', 'no column is called text');

    // Nothing mapped to text and a mini-batch of 0: both refused at once, beside their fields, and nothing queued.
    await page.fill('#batch-setting-miniBatchSize', '0');
    await page.fill('#batch-setting-instanceCount', '0');
    await page.fill('#batch-invoke-output', '../scores.txt');
    await page.click('#batch-invoke-submit');
    await eventually(async () => assert.match(await page.textContent('#batch-mapping-text-error'), /is required for text-classification/));
    assert.match(await page.textContent('#batch-setting-miniBatchSize-error'), /between 1 and 10000/);
    assert.match(await page.textContent('#batch-setting-instanceCount-error'), /between 1 and 16/);
    assert.match(await page.textContent('#batch-invoke-output-error'), /ending in \.csv/);
    assert.equal(await page.getAttribute('#batch-mapping-text', 'aria-invalid'), 'true');
    assert.match(await page.textContent('#batch-invoke-status'), /Not invoked/);
    assert.match(await page.textContent('#batch-jobs-none'), /No jobs yet/);
    await screenshot(page, '41-batch-invoke-errors');
  }, { allowedConsoleErrors: EXPECTED }));

  test('a viewer sees endpoints and their jobs but no way to change or invoke them', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/batch-endpoints`);
    await eventually(async () => assert.match(await page.textContent('#batch-endpoints-summary'), /1 batch endpoint/));
    assert.equal(await page.locator('#batch-create').count(), 0);
    await page.click('#batch-endpoints a.batch-endpoint-link');
    await page.waitForSelector('#batch-deployments');
    assert.equal(await page.locator('#batch-endpoint-delete').count(), 0);
    assert.equal(await page.locator('#batch-deployments button').count(), 0);
    assert.equal(await page.locator('#batch-invoke').count(), 0);
    assert.match(await page.textContent('#batch-invoke-role'), /Contributors invoke/);
  }, { as: VIEWER }));
});
