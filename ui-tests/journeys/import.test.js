// The import journey against the whole system (catalog-service, a runner and a local Hugging Face Hub),
// run by io.modelcat.system.ui.ImportUiSystemTest. Not under tests/: CatalogUiTest has no runner and no Hub.
//
// MODELCAT_JOURNEY_MODEL_ID: a repository the Hub serves (a BERT text classifier); MODELCAT_JOURNEY_RUNNER: the runner's host.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, eventually, launchBrowser, screenshot, withPage } from '../tests/browser.js';

const MODEL_ID = process.env.MODELCAT_JOURNEY_MODEL_ID || 'hf-tiny/bert';
const RUNNER = process.env.MODELCAT_JOURNEY_RUNNER || 'importer';
// Downloads and a runner picking the job up take a while on a busy machine.
const IMPORT_TIMEOUT_MS = 120000;

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('imports a model from the catalog, watches it finish, and finds it on the card, the jobs and the workers pages',
  () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/`);
    await eventually(async () => assert.ok(await page.locator('#grid .card').count() > 0, 'the seeded catalog'));

    // Import from the catalog's header.
    await page.click('#open-import');
    await page.fill('#import-model-id', MODEL_ID);
    await page.click('#import-submit');
    await eventually(async () => assert.equal(await page.textContent('#import-heading'), `Importing ${MODEL_ID}`));
    await eventually(async () => assert.equal(await page.isVisible('#import-model-link'), true), IMPORT_TIMEOUT_MS);
    assert.equal(await page.textContent('#import-state .badge'), 'Succeeded');
    assert.equal(await page.getAttribute('#import-progress [role="progressbar"]', 'aria-valuenow'), '100');
    const bytes = await page.textContent('#import-bytes');
    assert.match(bytes, /^(\S+ \S+) of \1$/, 'all bytes done');
    await eventually(async () => assert.ok(await page.locator('#import-log li').count() > 0, 'log lines streamed'));
    assert.match(await page.textContent('#import-outcome'), /Imported as version v1/);
    await screenshot(page, 'journey-01-import-done');

    // The card.
    await page.click('#import-model-link');
    await eventually(async () => assert.equal(await page.locator('#import-dialog').count(), 0));
    await eventually(async () => assert.equal(await page.textContent('h1'), 'bert'));
    assert.match(page.url(), /#\/models\/[0-9a-f-]+$/);
    assert.equal(await page.textContent('.model-header .status'), 'Ready');
    assert.equal(await page.textContent('.model-header .badge.task'), 'text-classification');
    assert.equal(await page.textContent('#model-publisher'), 'hf-tiny');
    assert.equal(await page.locator('#versions tr[data-version="1"]').count(), 1);
    await screenshot(page, 'journey-02-model');

    // The jobs page lists the succeeded import; its page shows the result and the log.
    await page.click('nav[aria-label="Main"] >> text=Jobs');
    const row = page.locator('#jobs tbody tr', { hasText: MODEL_ID });
    await eventually(async () => assert.equal(await row.count(), 1));
    assert.equal(await row.getAttribute('data-state'), 'succeeded');
    assert.equal(await row.locator('.job-kind').textContent(), 'Import');
    assert.equal(await row.locator('[role="progressbar"]').getAttribute('aria-valuenow'), '100');
    await screenshot(page, 'journey-03-jobs');
    await row.locator('a.job-link').click();
    await eventually(async () => assert.equal(await page.textContent('h1'), `Import ${MODEL_ID}`));
    assert.equal(await page.textContent('#job-header .badge.job-state'), 'Succeeded');
    assert.equal(await page.isDisabled('#job-cancel'), true);
    assert.match(await page.textContent('#job-result-list'), /versionNumber\s*1/);
    await eventually(async () => assert.ok(await page.locator('#job-log li').count() > 0));
    assert.match(await page.getAttribute('#job-model-link', 'href'), /^#\/models\/[0-9a-f-]+$/);
    await screenshot(page, 'journey-04-job');

    // The workers page shows the runner.
    await page.click('nav[aria-label="Main"] >> text=Workers');
    const worker = page.locator('#workers tbody tr', { hasText: RUNNER });
    await eventually(async () => assert.equal(await worker.count(), 1));
    assert.match(await worker.locator('.worker-cpus').textContent(), /^\d+$/);
    assert.match(await worker.locator('.worker-memory').textContent(), /iB$/);
    assert.match(await worker.locator('.worker-heartbeat').textContent(), /ago|now/);
    await screenshot(page, 'journey-05-workers');
  }));
