// Browser tests of the evaluate and fine-tune pages, the compare page and a job's metrics, predictions and
// registering, against a catalog-service with no runner (MODELCAT_BASE_URL): jobs stay queued.
//
// They run after tests/ (they add datasets and jobs, which tests/ counts) and expect what
// io.modelcat.catalog.ui.CatalogUiTest creates: alpha-sentiment (MODELCAT_UI_MODEL_ID) with two versions that
// have files, and a succeeded fine-tune of it (MODELCAT_UI_FINETUNE_JOB_ID) with metrics on the dataset
// held-out-reviews, three sample predictions and an outputUri.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE_URL, eventually, launchBrowser, screenshot, withPage } from '../tests/browser.js';

const MODEL_ID = process.env.MODELCAT_UI_MODEL_ID;
const JOB_ID = process.env.MODELCAT_UI_FINETUNE_JOB_ID;
const HTTP_400 = [/status of 400/];

let browser;
let folder;
before(async () => {
  assert.ok(MODEL_ID && JOB_ID, 'MODELCAT_UI_MODEL_ID and MODELCAT_UI_FINETUNE_JOB_ID are set');
  browser = await launchBrowser();
  folder = mkdtempSync(path.join(os.tmpdir(), 'modelcat-ui-ml-'));
});
after(async () => {
  await browser?.close();
});

/** A small CSV: its text column is not called sentence1, its label column is called label. */
function reviewsCsv() {
  const file = path.join(folder, 'reviews.csv');
  const rows = ['text,label', '"Great phone, <b>love</b> it",positive', 'Broke after a day,negative',
    '"Fine, I guess",positive', 'Never again,negative'];
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

describe('compare page', () => {
  test('says what to choose when there is nothing to compare yet', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/compare`);
    await eventually(async () => assert.match(await page.textContent('#compare-empty'), /Choose a dataset, a task and a metric/));
    assert.equal(await page.getAttribute('[data-nav="compare"]', 'aria-current'), 'page');
    assert.equal(await page.title(), 'Compare · ModelCat');
    await screenshot(page, '20-compare-empty');

    await page.goto(`${BASE_URL}/#/compare?datasetId=00000000-0000-4000-8000-000000000000&task=text-classification&metric=accuracy`);
    await eventually(async () => assert.match(await page.textContent('#compare-empty'), /No model has results/));
    assert.equal(await page.inputValue('#compare-task'), 'text-classification');
    assert.equal(await page.inputValue('#compare-metric'), 'accuracy');
  }));
});

describe('evaluate page', () => {
  test('uploads a CSV, previews it, maps its columns and queues an evaluation', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/models/${MODEL_ID}`);
    await page.getByRole('link', { name: 'Evaluate' }).click();
    await eventually(async () => assert.equal(await page.textContent('h1'), 'Evaluate alpha-sentiment'));
    assert.match(page.url(), new RegExp(`#/models/${MODEL_ID}/evaluate$`));
    assert.deepEqual(await page.locator('#wizard-version option').allTextContents(), ['v2 · fine-tuned on reviews', 'v1 (main)']);
    assert.equal(await page.inputValue('#wizard-task'), 'text-classification');
    assert.match(await page.textContent('#mapping'), /Choose or upload a dataset/);

    // Submitting without a dataset says so beside the chooser.
    await page.click('#wizard-submit');
    await eventually(async () => assert.match(await page.textContent('#data-dataset-error'), /Choose or upload a dataset/));
    assert.equal(await page.getAttribute('#data-dataset', 'aria-invalid'), 'true');

    // A dataset exists already (held-out-reviews), so the upload is folded away until asked for.
    assert.equal(await page.isVisible('#data-file'), false);
    await page.click('#data-step summary');
    await page.setInputFiles('#data-file', reviewsCsv());
    assert.equal(await page.inputValue('#data-name'), 'reviews.csv');
    await page.fill('#data-name', 'reviews');
    await page.click('#data-upload');
    await eventually(async () => assert.match(await page.textContent('#data-upload-message'), /Uploaded reviews: 4 rows/));
    assert.equal(await page.isHidden('#data-dataset-error'), true, 'the choice answers the error');
    assert.equal(await page.getAttribute('#data-dataset', 'aria-invalid'), null);

    // The preview: every row, the HTML in a cell as text.
    await eventually(async () => assert.equal(await page.locator('#data-preview tbody tr').count(), 4));
    assert.deepEqual(await page.locator('#data-preview thead th').allTextContents(), ['#', 'textstring', 'labelstring']);
    assert.equal(await page.locator('#data-preview tbody tr').first().locator('td').nth(1).textContent(), 'Great phone, <b>love</b> it');
    assert.equal(await page.locator('#data-preview b').count(), 0);

    // label is pre-filled (same name); sentence1 has no column of its name, which the check reports beside it.
    assert.equal(await page.inputValue('#mapping-label'), 'label');
    assert.equal(await page.inputValue('#mapping-sentence1'), '');
    // The mapping asks for the task's inputs as the task registry lists them, each with its description and types.
    const registry = await (await page.request.get(`${BASE_URL}/api/v1/tasks`)).json();
    const inputs = registry.tasks.find(t => t.name === 'text-classification').inputs;
    assert.deepEqual(await page.locator('#mapping select').evaluateAll(selects => selects.map(s => s.id)),
      inputs.map(i => `mapping-${i.name}`));
    assert.equal(await page.textContent('#mapping-label-hint'), 'The column with the class (boolean, integer or string).');
    assert.match(await page.textContent('label[for="mapping-sentence2"]'), /\(optional\)/);
    await eventually(async () => assert.match(await page.textContent('#mapping-sentence1-error'), /\S/));
    assert.equal(await page.getAttribute('#mapping-sentence1', 'aria-invalid'), 'true');
    assert.match(await page.textContent('#mapping-status'), /does not fit/);
    await screenshot(page, '21-evaluate-mapping-error');

    await page.selectOption('#mapping-sentence1', 'text');
    await eventually(async () => assert.match(await page.textContent('#mapping-status'), /The mapping fits the dataset/));
    assert.equal(await page.isHidden('#mapping-sentence1-error'), true);
    assert.equal(await page.getAttribute('#mapping-sentence1', 'aria-invalid'), null);

    // The keyboard reaches the device choice.
    await page.focus('#device-cpu');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.isChecked('#device-gpu'), true);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.isChecked('#device-cpu'), true);
    await screenshot(page, '22-evaluate-ready');

    await page.click('#wizard-submit');
    await eventually(async () => assert.match(page.url(), /#\/jobs\/[0-9a-f-]{36}$/));
    await eventually(async () => assert.equal(await page.textContent('#job-header .badge.job-state'), 'Queued'));
    assert.match(await page.textContent('h1'), /^Evaluate/);
    await eventually(async () => assert.match(await page.textContent('#job-ml-metrics'), /Metrics appear here/));
    // The predictions load on their own ("Loading predictions…" until their answer comes).
    await eventually(async () => assert.match(await page.textContent('#job-predictions'), /appear when the job has scored/));
    assert.equal(await page.isVisible('#predictions-csv'), false, 'nothing to download yet');
    assert.equal(await page.locator('#job-register').isVisible(), false);
    await screenshot(page, '23-evaluate-queued');
  }, { allowedConsoleErrors: HTTP_400 }));
});

describe('fine-tune page', () => {
  test('shows a refused learning rate beside its field', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/models/${MODEL_ID}/finetune`);
    await eventually(async () => assert.equal(await page.textContent('h1'), 'Fine-tune alpha-sentiment'));
    assert.equal(await page.inputValue('#hp-epochs'), '3');
    assert.equal(await page.inputValue('#hp-learningRate'), '0.00005');
    assert.match(await page.textContent('#hp-learningRate-hint'), /AdamW learning rate/);
    assert.equal(await page.inputValue('#validation-dataset'), '');
    assert.match(await page.textContent('#validation-dataset option:checked'), /Split automatically/);

    // The dataset the evaluation uploaded is listed; choosing it previews it and fills the mapping.
    await page.selectOption('#train-dataset', { label: 'reviews (csv, 4 rows)' });
    await eventually(async () => assert.equal(await page.locator('#train-preview tbody tr').count(), 4));
    await page.selectOption('#mapping-sentence1', 'text');
    await eventually(async () => assert.match(await page.textContent('#mapping-status'), /fits the dataset/));

    await page.fill('#hp-learningRate', '0');
    await page.fill('#hp-epochs', '2');
    await page.click('#wizard-submit');
    await eventually(async () => assert.match(await page.textContent('#hp-learningRate-error'), /\S/));
    assert.equal(await page.getAttribute('#hp-learningRate', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'hp-learningRate');
    assert.equal(await page.isHidden('#hp-epochs-error'), true);
    assert.match(await page.textContent('#wizard-message'), /One field needs a change/);
    assert.match(page.url(), /\/finetune$/);
    await screenshot(page, '24-finetune-refused');
  }, { allowedConsoleErrors: HTTP_400 }));

  test('says why a model cannot be fine-tuned', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/`);
    await page.click('text=gamma-qa');
    await eventually(async () => assert.equal(await page.textContent('h1'), 'gamma-qa'));
    const id = await page.getAttribute('article.model', 'data-id');
    await page.goto(`${BASE_URL}/#/models/${id}/finetune`);
    await eventually(async () => assert.match(await page.textContent('#wizard-unavailable'), /no version with files/));
  }));
});

describe('job page of a fine-tune', () => {
  test('charts its metrics, lists its predictions and registers the model', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/jobs/${JOB_ID}`);
    await eventually(async () => assert.equal(await page.textContent('#job-header .badge.job-state'), 'Succeeded'));
    await eventually(async () => assert.equal(await page.locator('#chart-loss polyline').count(), 1));
    assert.equal((await page.getAttribute('#chart-loss polyline', 'points')).split(' ').length, 8);
    assert.match(await page.getAttribute('#chart-loss svg', 'aria-label'), /loss: 8 points, last 0\.29 at step 8/);
    assert.deepEqual(await page.locator('#chart-validation .chart-legend li').allTextContents(), ['accuracy', 'f1_macro']);
    assert.match(await page.textContent('#job-final-metrics'), /test\s*accuracy\s*0\.8512/);
    assert.match(await page.textContent('#job-final-metrics'), /f1_macro\s*0\.8333/);

    await eventually(async () => assert.equal(await page.locator('#job-predictions-table tbody tr').count(), 3));
    assert.deepEqual(await page.locator('#job-predictions-table thead th').allTextContents(), ['Row', 'sentence1', 'Expected', 'Predicted']);
    assert.match(await page.textContent('#job-predictions-table tbody tr:first-child'), /Great <b>phone<\/b>/);
    assert.equal(await page.locator('#job-predictions-table b').count(), 0);
    // A classifier's {label, score} shows as its label and score, and counts as right when the label is.
    assert.match(await page.textContent('#job-predictions-table tbody tr:nth-child(2) td:last-child'), /^negative \(0\.91\)/);
    assert.equal(await page.locator('#job-predictions-table tr.prediction-right').count(), 2);
    assert.equal(await page.locator('#job-predictions-table tr.prediction-wrong').count(), 1);
    const csv = await page.getAttribute('#predictions-csv', 'href');
    assert.equal(csv, `api/v1/jobs/${JOB_ID}/predictions?format=csv`);
    const answer = await page.request.get(`${BASE_URL}/${csv}`);
    assert.equal(answer.status(), 200);
    assert.match(await answer.text(), /^row_index,input\.sentence1,expected,predicted\r\n/);

    // Register: the licence defaults to the base model's; a name is required.
    await eventually(async () => assert.equal(await page.inputValue('#register-license'), 'apache-2.0'));
    await screenshot(page, '25-job-finetune-metrics');
    await page.fill('#register-name', '');
    await page.click('#register-submit');
    assert.match(await page.textContent('#register-name-error'), /Enter a name/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'register-name');
    await page.fill('#register-name', 'alpha-reviews');
    await page.click('#register-submit');
    await eventually(async () => assert.match(await page.textContent('#job-register'), /Registered as alpha-reviews/));
    await page.click('#register-model-link');
    await eventually(async () => assert.equal(await page.textContent('#model-name'), 'alpha-reviews'));
    assert.equal(await page.textContent('#versions tr[data-version="1"] td.artifact'), 'file:///models/alpha/finetuned');
    // Its lineage links to the job and lists the job's metrics.
    assert.equal(await page.locator(`#versions tr[data-version="1"] a[href="#/jobs/${JOB_ID}"]`).count(), 1);
    assert.match(await page.textContent('#versions tr[data-version="1"] .lineage-values'), /accuracy 0\.8512/);

    // The registered version carries the job's test metrics, which link to the comparison.
    await eventually(async () => assert.match(await page.textContent('#model-metrics-table'), /0\.8512/));
    await page.click('#model-metrics-table a.compare-link');
    await eventually(async () => assert.equal(await page.locator('#leaderboard tbody tr').count(), 1));
    assert.match(await page.textContent('#leaderboard tbody tr'), /^1\s*alpha-reviews\s*v1\s*0\.8333/);
    await screenshot(page, '26-compare');
  }));
});
