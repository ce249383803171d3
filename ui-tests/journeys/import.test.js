// The import and fine-tune journeys against the whole system (catalog-service, a runner and a local Hugging Face Hub),
// run by io.modelcat.system.ui.ImportUiSystemTest. Not under tests/: CatalogUiTest has no runner and no Hub.
//
// MODELCAT_JOURNEY_MODEL_ID: a repository the Hub serves (a BERT text classifier); MODELCAT_JOURNEY_RUNNER: the runner's host.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE_URL, eventually, launchBrowser, screenshot, withPage } from '../tests/browser.js';

const MODEL_ID = process.env.MODELCAT_JOURNEY_MODEL_ID || 'hf-tiny/bert';
const RUNNER = process.env.MODELCAT_JOURNEY_RUNNER || 'importer';
// Downloads and a runner picking the job up take a while on a busy machine.
const IMPORT_TIMEOUT_MS = 120000;
// A two-epoch fine-tuning of a tiny BERT on 200 rows, on a busy machine.
const FINETUNE_TIMEOUT_MS = 300000;

// The words of system-tests' SentimentData, which the tiny BERT's vocabulary holds.
const FILLER = ['the', 'a', 'cat', 'dog', 'sat', 'on', 'mat', 'movie', 'was', 'is'];

/** Generated reviews, about 60% positive, each with "good" or "bad" among filler words (a seeded generator). */
function reviewsCsv(rows) {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const lines = ['sentence1,label'];
  for (let i = 0; i < rows; i++) {
    const positive = random() < 0.6;
    const words = Array.from({ length: 3 + Math.floor(random() * 6) }, () => FILLER[Math.floor(random() * FILLER.length)]);
    words.splice(Math.floor(random() * (words.length + 1)), 0, positive ? 'good' : 'bad');
    lines.push(`"${words.join(' ')} .",${positive ? 'positive' : 'negative'}`);
  }
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'modelcat-journey-')), 'reviews-train.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

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
    assert.match(await worker.locator('.worker-serving').textContent(), /^(Nothing|\d+ instances?( · \d+ of \d+ cores reserved)?)$/);
    assert.match(await worker.locator('.worker-heartbeat').textContent(), /ago|now/);
    await screenshot(page, 'journey-05-workers');
  }));

test('fine-tunes the imported model through the wizard, watches the chart, and registers the result',
  () => withPage(browser, async page => {
    // The import test above brought the model in.
    const models = await (await page.request.get(`${BASE_URL}/api/v1/models?q=bert&limit=100`)).json();
    const model = models.items.find(m => m.source?.repo === MODEL_ID && m.status === 'ready');
    assert.ok(model, `${MODEL_ID} is in the catalog`);
    await page.goto(`${BASE_URL}/#/models/${model.id}`);
    await eventually(async () => assert.equal(await page.textContent('h1'), 'bert'));
    await page.getByRole('link', { name: 'Fine-tune' }).click();
    await eventually(async () => assert.equal(await page.textContent('h1'), 'Fine-tune bert'));
    assert.equal(await page.inputValue('#wizard-task'), 'text-classification');

    // No dataset yet: the upload is open.
    await page.setInputFiles('#train-file', reviewsCsv(200));
    await page.click('#train-upload');
    await eventually(async () => assert.match(await page.textContent('#train-upload-message'), /Uploaded reviews-train\.csv: 200 rows/));
    await eventually(async () => assert.equal(await page.locator('#train-preview tbody tr').count(), 50));
    assert.equal(await page.inputValue('#mapping-sentence1'), 'sentence1');
    assert.equal(await page.inputValue('#mapping-label'), 'label');
    await eventually(async () => assert.match(await page.textContent('#mapping-status'), /fits the dataset/));

    await page.fill('#hp-epochs', '4');
    await page.fill('#hp-learningRate', '0.003');
    await page.fill('#hp-batchSize', '8');
    await page.fill('#hp-warmupRatio', '0.1');
    await screenshot(page, 'journey-06-finetune-wizard');
    await page.click('#wizard-submit');
    await eventually(async () => assert.match(page.url(), /#\/jobs\/[0-9a-f-]{36}$/));
    await eventually(async () => assert.equal(await page.textContent('#job-header .badge.job-state'), 'Succeeded'),
      FINETUNE_TIMEOUT_MS);

    // The loss by step and the validation metrics by epoch; the final metrics; sample predictions.
    await eventually(async () => assert.equal(await page.locator('#chart-loss polyline').count(), 1));
    assert.ok((await page.getAttribute('#chart-loss polyline', 'points')).split(' ').length > 2, 'a loss per step');
    await eventually(async () => assert.ok(await page.locator('#chart-validation polyline').count() >= 1));
    assert.match(await page.textContent('#job-final-metrics'), /accuracy/);
    await eventually(async () => assert.ok(await page.locator('#job-predictions-table tbody tr').count() > 0));
    assert.equal(await page.isVisible('#predictions-csv'), true);
    // A classifier's prediction shows as its label and score.
    assert.match(await page.textContent('#job-predictions-table tbody tr:first-child td:last-child'), /^(positive|negative) \(0\.\d+/);
    await screenshot(page, 'journey-07-finetune-done');

    await eventually(async () => assert.equal(await page.inputValue('#register-license'), 'apache-2.0'));
    await page.fill('#register-name', 'bert-reviews');
    await page.click('#register-submit');
    await eventually(async () => assert.match(await page.textContent('#job-register'), /Registered as bert-reviews/));
    await page.click('#register-model-link');
    await eventually(async () => assert.equal(await page.textContent('#model-name'), 'bert-reviews'));
    await eventually(async () => assert.match(await page.textContent('#model-metrics-table'), /accuracy/));
    await screenshot(page, 'journey-08-registered');

    // Try it: one review through the registered model on the runner.
    await page.fill('#tryit-text', 'the movie was good .');
    await page.click('#tryit-submit');
    await eventually(async () => assert.equal(await page.locator('#tryit-labels tbody tr').count(), 2), FINETUNE_TIMEOUT_MS);
    assert.match(await page.textContent('#tryit-labels tbody tr:first-child td:first-child'), /^(positive|negative)$/);
    await screenshot(page, 'journey-08b-try-it');

    // Evaluate the registered model on the uploaded data through the evaluate wizard, and watch it finish.
    await page.getByRole('link', { name: 'Evaluate' }).click();
    await eventually(async () => assert.equal(await page.textContent('h1'), 'Evaluate bert-reviews'));
    await eventually(async () => assert.ok(await page.locator('#data-dataset option', { hasText: 'reviews-train.csv' }).count() > 0));
    await page.selectOption('#data-dataset', { label: await page.locator('#data-dataset option', { hasText: 'reviews-train.csv' }).first().textContent() });
    await eventually(async () => assert.match(await page.textContent('#mapping-status'), /fits the dataset/));
    await page.click('#wizard-submit');
    await eventually(async () => assert.match(page.url(), /#\/jobs\/[0-9a-f-]{36}$/));
    await eventually(async () => assert.equal(await page.textContent('#job-header .badge.job-state'), 'Succeeded'),
      FINETUNE_TIMEOUT_MS);
    await eventually(async () => assert.match(await page.textContent('#job-final-metrics'), /accuracy/));
    await screenshot(page, 'journey-09-evaluated');

    // And the registered model is found in the catalog.
    await page.click('nav[aria-label="Main"] >> text=Catalog');
    await page.getByLabel('Search models').fill('bert-reviews');
    await eventually(async () => assert.deepEqual(
      await page.$$eval('#grid .card-title a', links => links.map(a => a.textContent)), ['bert-reviews']));
    await screenshot(page, 'journey-10-found');
  }));
