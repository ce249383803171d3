// Browser tests of prompt flows and bulk tests against a catalog-service with no runner, whose LLM mesh calls a local
// fake provider (MODELCAT_UI_LLM_URL, started by io.modelcat.catalog.ui.CatalogUiTest; it answers "echo: " and the
// last message). An admin connects it through the API, then everything else goes through the UI: saving a two-step
// flow with two variants (after a field error for a bad template), running a row, starting a bulk test on an uploaded
// CSV (it stays queued: no runner), its page, cancelling it, applying evaluation methods again, deploying the flow to an
// online endpoint and calling it from the endpoint's Test tab, and deleting a flow.
// They run after tests/, which counts jobs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, eventually, launchBrowser, screenshot, withPage } from '../tests/browser.js';

const LLM_URL = process.env.MODELCAT_UI_LLM_URL;
const CONNECTION = 'ui-mesh';
const FLOW = 'ui-reviews';
let bulkTestId = null; // the bulk test the UI started, for the tests after

const VIEWER = { username: process.env.MODELCAT_UI_VIEWER_USERNAME, password: process.env.MODELCAT_UI_VIEWER_PASSWORD };

let browser;
before(async () => {
  assert.ok(LLM_URL, 'MODELCAT_UI_LLM_URL names the fake LLM provider');
  browser = await launchBrowser();
  const context = await browser.newContext();
  try {
    const login = await context.request.post(`${BASE_URL}/api/v1/auth/login`,
      { data: { username: process.env.MODELCAT_UI_USERNAME, password: process.env.MODELCAT_UI_PASSWORD } });
    assert.equal(login.status(), 200);
    const { csrfToken } = await (await context.request.get(`${BASE_URL}/api/v1/auth/session`)).json();
    const created = await context.request.post(`${BASE_URL}/api/v1/llm/connections`, {
      headers: { 'X-CSRF-Token': csrfToken },
      data: { name: CONNECTION, kind: 'openai-compatible', baseUrl: LLM_URL, allowedModels: ['fake-small', 'fake-large'] },
    });
    assert.ok([201, 409].includes(created.status()), await created.text());
  } finally {
    await context.close();
  }
});
after(async () => {
  await browser?.close();
});

/** Chooses an option of the select with id `id`. */
async function choose(page, id, value) {
  await page.selectOption(`#${id}`, value);
}

describe('prompt flows', () => {
  test('a two-step flow with two variants is saved through the form, after a field error beside a bad template', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/flows`);
    await page.waitForSelector('#flow-new');
    assert.equal(await page.getAttribute('a[data-nav="flows"]', 'aria-current'), 'page');
    await page.fill('#flow-new-name', FLOW);
    await page.fill('#flow-new-description', 'Sentiment of a <b>review</b>, then why');
    await page.fill('#flow-new-inputs', 'review');
    await page.fill('#flow-new-step1-name', 'label');
    await page.fill('#flow-new-step1-v1-name', 'plain');
    await choose(page, 'flow-new-step1-v1-model', `${CONNECTION}/fake-small`);
    await page.fill('#flow-new-step1-v1-prompt', '{{ review }}');
    await page.fill('#flow-new-step1-v1-temperature', '0');
    await choose(page, 'flow-new-step1-v1-parser', 'label');
    await page.fill('#flow-new-step1-v1-parser-labels', 'positive, negative');
    await page.click('#flow-new-step1-add-variant');
    await page.fill('#flow-new-step1-v2-name', 'pessimist');
    await choose(page, 'flow-new-step1-v2-model', `${CONNECTION}/fake-large`);
    await page.fill('#flow-new-step1-v2-system', 'You are terse.');
    await page.fill('#flow-new-step1-v2-prompt', 'negative, whatever \'{{ reveiw }}\' says');
    await choose(page, 'flow-new-step1-v2-parser', 'label');
    await page.fill('#flow-new-step1-v2-parser-labels', 'positive, negative');
    await page.click('#flow-new-add-step');
    await page.fill('#flow-new-step2-name', 'why');
    await choose(page, 'flow-new-step2-v1-model', `${CONNECTION}/fake-small`);
    await page.fill('#flow-new-step2-v1-prompt', 'The review is {{ label }}.');
    await page.click('#flow-new-submit');

    await page.waitForSelector('#flow-new-step1-v2-prompt-error:not([hidden])');
    assert.match(await page.textContent('#flow-new-step1-v2-prompt-error'), /reveiw/);
    assert.equal(await page.getAttribute('#flow-new-step1-v2-prompt', 'aria-invalid'), 'true');
    assert.equal(await page.isHidden('#flow-new-step1-v1-prompt-error'), true);
    await screenshot(page, '60-flow-field-error');

    await page.fill('#flow-new-step1-v2-prompt', 'negative, whatever \'{{ review }}\' says');
    await page.click('#flow-new-submit');
    await page.waitForURL(new RegExp(`#/flows/${FLOW}$`));
    await page.waitForSelector('#flow-title');
    assert.equal(await page.textContent('#flow-title'), FLOW);
    assert.equal(await page.textContent('#flow-description'), 'Sentiment of a <b>review</b>, then why');
    assert.equal(await page.locator('#flow-description b').count(), 0);
    assert.deepEqual(await page.locator('.flow-step-list > li').evaluateAll(items => items.map(li => li.dataset.step)), ['label', 'why']);

    const saved = await (await page.request.get(`${BASE_URL}/api/v1/flows/${FLOW}`)).json();
    assert.deepEqual(saved.inputs, ['review']);
    assert.deepEqual(saved.steps.map(s => s.variants.map(v => v.name)), [['plain', 'pessimist'], ['v1']]);
    assert.deepEqual(saved.steps[0].variants[1], { name: 'pessimist', model: `${CONNECTION}/fake-large`, system: 'You are terse.',
      prompt: 'negative, whatever \'{{ review }}\' says', parser: { type: 'label', labels: ['positive', 'negative'] } });
    assert.equal(saved.steps[0].variants[0].temperature, 0);

    await page.goto(`${BASE_URL}/#/flows`);
    await page.waitForSelector(`#flows tr[data-flow="${FLOW}"]`);
    assert.match(await page.textContent(`#flows tr[data-flow="${FLOW}"]`), /label \(2 variants\) → why/);
  }, { allowedConsoleErrors: [/status of 400/] }));

  test('a flow is changed in place: Edit, Cancel keeps it, Save changes counts its version up', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/flows/${FLOW}`);
    await page.waitForSelector('#flow-edit');
    await page.click('#flow-edit');
    await page.waitForSelector('#flow-edit-submit');
    assert.equal(await page.isDisabled('#flow-edit-name'), true);
    assert.equal(await page.inputValue('#flow-edit-step1-v2-name'), 'pessimist');
    assert.equal(await page.inputValue('#flow-edit-step1-v2-parser-labels'), 'positive, negative');
    await page.click('#flow-edit-cancel');
    await page.waitForSelector('.flow-step-list');
    await page.click('#flow-edit');
    await page.fill('#flow-edit-description', 'Sentiment of a review, then why');
    await page.fill('#flow-edit-step2-v1-max-tokens', 'many');
    await page.click('#flow-edit-submit');
    await page.waitForSelector('#flow-edit-step2-v1-max-tokens-error:not([hidden])');
    await page.fill('#flow-edit-step2-v1-max-tokens', '64');
    await page.click('#flow-edit-submit');
    await eventually(async () => assert.equal(await page.textContent('#flow-description'), 'Sentiment of a review, then why'));
    assert.match(await page.textContent('main'), /Version 2, saved/);
    const saved = await (await page.request.get(`${BASE_URL}/api/v1/flows/${FLOW}`)).json();
    assert.equal(saved.steps[1].variants[0].maxTokens, 64);
    assert.deepEqual(saved.steps.map(s => s.variants.map(v => v.name)), [['plain', 'pessimist'], ['v1']]);
  }, { allowedConsoleErrors: [/status of 400/] }));

  test('a row runs in the chosen variant, showing each step; a row that stops says where and why', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/flows/${FLOW}`);
    await page.waitForSelector('#flow-run');
    await page.fill('#flow-run-input-0', 'A positive surprise');
    await choose(page, 'flow-run-variant-0', 'pessimist');
    await page.click('#flow-run-submit');
    await page.waitForSelector('#flow-run-steps');
    const label = page.locator('#flow-run-steps tr[data-step="label"]');
    assert.equal(await label.locator('td').nth(0).textContent(), 'pessimist');
    assert.equal(await label.locator('td').nth(1).textContent(), `${CONNECTION}/fake-large`);
    assert.equal(await label.locator('.flow-answer').textContent(), 'echo: negative, whatever \'A positive surprise\' says');
    assert.equal(await label.locator('.flow-output').textContent(), 'negative');
    assert.equal(await page.textContent('#flow-run-output pre'), 'echo: The review is negative.');
    assert.match(await page.textContent('#flow-run-totals'), /prompt and \d+ completion tokens in \d+ ms/);
    await screenshot(page, '61-flow-run');

    await page.fill('#flow-run-input-0', 'meh');
    await choose(page, 'flow-run-variant-0', 'plain');
    await page.click('#flow-run-submit');
    await page.waitForSelector('#flow-run-error');
    assert.match(await page.textContent('#flow-run-error'), /Stopped at step label/);
    assert.match(await page.textContent('#flow-run-error'), /names none of the labels/);
    assert.equal(await page.locator('#flow-run-output').count(), 0);
  }));

  test('a bulk test starts on an uploaded CSV with its mapping, variants and evaluation methods, and stays queued', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/flows/${FLOW}`);
    await page.waitForSelector('#flow-bulk-details');
    await page.click('#flow-bulk-details > summary');
    await page.waitForSelector('#bulk-test-form');
    await page.$eval('#bulk-step details.upload', details => { details.open = true; });
    await page.setInputFiles('#bulk-file', { name: 'ui-flow-reviews.csv', mimeType: 'text/csv',
      buffer: Buffer.from('review,sentiment\nA positive surprise,positive\nA negative affair,negative\nmeh,negative\n') });
    await page.click('#bulk-upload');
    await page.waitForSelector('#bulk-mapping-0');
    assert.equal(await page.inputValue('#bulk-mapping-0'), 'review', 'the column of the input\'s name');
    assert.equal(await page.inputValue('#bulk-variant-step'), 'label');
    assert.deepEqual(await page.locator('#bulk-variants input[type="checkbox"]').evaluateAll(boxes => boxes.map(b => [b.value, b.checked])),
      [['plain', true], ['pessimist', true]]);

    await page.click('#bulk-evaluation-add');
    await choose(page, 'bulk-evaluation-1-method', 'classification');
    await choose(page, 'bulk-evaluation-1-output', 'label');
    await choose(page, 'bulk-evaluation-1-ground-truth', 'sentiment');
    await page.click('#bulk-evaluation-add');
    await choose(page, 'bulk-evaluation-2-method', 'llm-judge');
    assert.equal(await page.isVisible('#bulk-evaluation-2-rubric'), true);
    assert.match(await page.getAttribute('#bulk-evaluation-2-rubric', 'placeholder'), /default rubric/);
    // The aspect's default rubric is there to read, and follows the aspect.
    assert.match(await page.inputValue('#bulk-evaluation-2-rubric'), /addresses the question[\s\S]*\{\{ answer \}\}/);
    assert.match(await page.textContent('#bulk-evaluation-2-method-hint'), /scores each output from 1 to 5/);
    await choose(page, 'bulk-evaluation-2-model', `${CONNECTION}/fake-small`);
    await choose(page, 'bulk-evaluation-2-aspect', 'fluency');
    assert.match(await page.inputValue('#bulk-evaluation-2-rubric'), /fluency of an answer/);
    await page.click('#bulk-evaluation-add');
    // An embedding model is named, as a judge is, but there is no aspect or rubric to give.
    await choose(page, 'bulk-evaluation-3-method', 'embedding-similarity');
    assert.equal(await page.isVisible('#bulk-evaluation-3-model'), true);
    assert.equal(await page.isVisible('#bulk-evaluation-3-aspect'), false);
    assert.equal(await page.isVisible('#bulk-evaluation-3-rubric'), false);
    assert.match(await page.textContent('label[for="bulk-evaluation-3-model"]'), /Embedding model/);
    await choose(page, 'bulk-evaluation-3-method', 'rouge');
    assert.equal(await page.isVisible('#bulk-evaluation-3-model'), false);
    await page.fill('#bulk-concurrency', '0');
    await page.click('#bulk-submit');
    await page.waitForSelector('#bulk-concurrency-error:not([hidden])');
    assert.match(await page.textContent('#bulk-evaluation-3-groundTruth-error'), /required for rouge/);
    await screenshot(page, '62-bulk-test-form-errors');
    await page.click('#bulk-evaluation-3-remove');
    await page.fill('#bulk-concurrency', '2');
    await page.click('#bulk-submit');

    await page.waitForURL(/#\/bulk-tests\/[0-9a-f-]+$/);
    await page.waitForSelector('#bulk-test-progress .badge.job-state');
    const id = page.url().split('/').pop();
    assert.equal(await page.textContent('#bulk-test-progress .badge.job-state'), 'Queued');
    assert.match(await page.textContent('#bulk-test-queued'), /starts when a runner takes it/);
    assert.match(await page.textContent('#bulk-test-answered'), /plain: 0 · pessimist: 0/);
    assert.match(await page.textContent('#bulk-test-no-metrics'), /appear when the runs have been evaluated/);
    await eventually(async () => assert.equal(await page.textContent('#bulk-rows-summary'), 'No rows answered yet.'));
    assert.equal(await page.getAttribute('#bulk-test-flow-link', 'href'), `#/flows/${FLOW}`);
    const csv = await page.request.get(new URL(await page.getAttribute('#bulk-test-csv', 'href'), page.url()).toString());
    assert.equal(csv.status(), 200);
    assert.match(await csv.text(), /^variant,row,input\.review,output\.label,output\.why,output\.output,error,latency_ms/);
    await screenshot(page, '63-bulk-test-queued');

    const test = await (await page.request.get(`${BASE_URL}/api/v1/bulk-tests/${id}`)).json();
    assert.deepEqual(test.inputColumns, { review: 'review' });
    assert.equal(test.concurrency, 2);
    assert.deepEqual(test.runs, ['plain', 'pessimist']);
    assert.deepEqual(test.evaluations.map(e => [e.method, e.output, e.groundTruth ?? null, e.aspect ?? null, e.rubric ?? null]),
      [['classification', 'label', 'sentiment', null, null], ['llm-judge', 'output', null, 'fluency', null]]);

    // The flow lists it; the jobs list knows its kind; its job links back.
    await page.goto(`${BASE_URL}/#/flows/${FLOW}`);
    await page.waitForSelector(`#bulk-tests tr[data-test="${id}"]`);
    await page.goto(`${BASE_URL}/#/jobs?kind=bulk-test`);
    await page.waitForSelector(`a[href="#/jobs/${test.job.id}"]`);
    assert.equal(await page.inputValue('#filter-kind'), 'bulk-test');
    await page.click(`a[href="#/jobs/${test.job.id}"]`);
    await page.waitForSelector('#job-bulk-test-link');
    assert.match(await page.textContent('#job-title'), /Bulk test flow ui-reviews/);
    await page.click('#job-bulk-test-link');
    await page.waitForURL(new RegExp(`#/bulk-tests/${id}$`));

    // Cancelled, it takes evaluation methods again: a new job, queued.
    await page.waitForSelector('#bulk-test-cancel:not([hidden])');
    await page.click('#bulk-test-cancel');
    await eventually(async () => assert.equal(await page.textContent('#bulk-test-progress .badge.job-state'), 'Cancelled'));
    assert.equal(await page.isHidden('#bulk-test-cancel'), true);
    await page.waitForSelector('#reevaluate');
    assert.equal(await page.inputValue('#reevaluate-1-method'), 'classification');
    assert.equal(await page.inputValue('#reevaluate-1-ground-truth'), 'sentiment');
    await page.click('#reevaluate-2-remove');
    await page.click('#reevaluate-submit');
    await page.waitForSelector('#reevaluate-queued');
    await eventually(async () => assert.equal(await page.textContent('#bulk-test-progress .badge.job-state'), 'Queued'));
    const again = await (await page.request.get(`${BASE_URL}/api/v1/bulk-tests/${id}`)).json();
    assert.notEqual(again.job.id, test.job.id);
    assert.deepEqual(again.evaluations.map(e => e.method), ['classification']);
    assert.equal(await page.isHidden('#bulk-test-delete'), true, 'not deleted while it is queued');
    bulkTestId = id;
  }, { allowedConsoleErrors: [/status of 400/] }));

  test('a flow is deployed in a chosen variant to a new endpoint, whose Test tab sends its inputs and gets its outputs', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/flows/${FLOW}`);
    await page.waitForSelector('#flow-deploy-details');
    await page.click('#flow-deploy-details summary');
    await page.waitForSelector('#flow-deploy-form');
    assert.equal(await page.inputValue('#flow-deploy-endpoint'), FLOW);
    assert.equal(await page.inputValue('#flow-deploy-name'), 'blue');
    assert.equal(await page.locator('#flow-deploy-variant-why').count(), 0, 'a step of one variant offers no choice');
    await choose(page, 'flow-deploy-variant-label', 'pessimist');
    await page.fill('#flow-deploy-timeout', '50');
    await page.click('#flow-deploy-submit');
    // The endpoint is made; the deployment's bad timeout is named beside its field.
    await page.waitForSelector('#flow-deploy-timeout-error:not([hidden])');
    await page.fill('#flow-deploy-timeout', '60000');
    await page.click('#flow-deploy-submit');
    await page.waitForURL(new RegExp(`#/endpoints/${FLOW}$`));
    const row = page.locator('tr[data-deployment="blue"]');
    await row.waitFor();
    assert.equal(await row.locator('.deployment-flow').textContent(), `flow ${FLOW} (label: pessimist)`);
    assert.equal(await row.locator('.deployment-state').textContent(), 'Ready');
    assert.match(await row.locator('.deployment-instances').textContent(), /Run by the catalog service/);

    await page.click('#tab-test');
    assert.deepEqual(JSON.parse(await page.inputValue('#test-body')), { review: 'your review' });
    await page.selectOption('#test-key-pick', 'primaryKey');
    await page.fill('#test-body', '{"review": "A positive surprise"}');
    await page.click('#test-send');
    await eventually(async () => assert.equal(await page.textContent('#test-status'), '200 OK'));
    const answer = JSON.parse(await page.textContent('#test-answer'));
    assert.deepEqual(answer, { label: 'negative', why: 'echo: The review is negative.', output: 'echo: The review is negative.' });
    await screenshot(page, '69-flow-endpoint-test');
    await page.click('#tab-consume');
    assert.match(await page.textContent('#consume-curl pre'), /-d '\{"review":"your review"\}'/);

    // The endpoint goes, so that the flow can be deleted later.
    await page.click('#endpoint-delete');
    await page.click('#delete-endpoint-dialog-confirm');
    await page.waitForSelector('#endpoints-heading');
  }, { allowedConsoleErrors: [/status of 400/] }));

  test('each model the connection allows is a catalog card saying how to call it, with nothing it cannot do', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/?q=fake-small`);
    await page.waitForSelector('#grid .card-title a');
    assert.match(await page.textContent('#grid .card'), /openai-compatible via connection ui-mesh/);
    await page.click('#grid .card-title a');
    await page.waitForSelector('#hosted-use');
    assert.equal(await page.textContent('#model-name'), 'fake-small');
    assert.equal(await page.textContent('#hosted-source'), `openai-compatible via connection ${CONNECTION}`);
    assert.equal(await page.textContent('#mesh-model'), `${CONNECTION}/fake-small`);
    assert.match(await page.textContent('#hosted-curl'), /\/api\/v1\/llm\/v1\/chat\/completions[\s\S]*"model":"ui-mesh\/fake-small"/);
    assert.match(await page.textContent('#hosted-sdk'), /model="ui-mesh\/fake-small"/);
    assert.match(await page.textContent('#hosted-price'), /No price is set/);
    assert.equal(await page.locator('#deploy-model, #evaluate-model, #finetune-model, #import-model, #versions').count(), 0);
    await page.waitForSelector('#model-metrics-empty');
    assert.match(await page.textContent('#model-metrics-empty'), /bulk test/);
    await screenshot(page, '67-hosted-model');
  }));

  test('a viewer reads flows and bulk tests but is offered no form', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/flows`);
    await page.waitForSelector(`#flows tr[data-flow="${FLOW}"]`);
    assert.equal(await page.locator('#flow-new').count(), 0);
    await page.click(`#flows tr[data-flow="${FLOW}"] a.flow-link`);
    await page.waitForSelector('#flow-run-role');
    assert.equal(await page.locator('#flow-edit, #flow-delete, #flow-run, #bulk-test-form').count(), 0);
    assert.match(await page.textContent('#flow-bulk-role'), /Contributors start bulk tests/);
    await page.waitForSelector(`#bulk-tests tr[data-test="${bulkTestId}"]`);
    await page.click(`#bulk-tests tr[data-test="${bulkTestId}"] a.bulk-test-link`);
    await page.waitForSelector('#bulk-test-progress .badge.job-state');
    assert.equal(await page.isHidden('#bulk-test-cancel'), true);
    assert.equal(await page.locator('#reevaluate').count(), 0);
  }, { as: VIEWER }));

  test('an ended bulk test is deleted after confirmation, back to its flow', () => withPage(browser, async page => {
    const id = bulkTestId;
    await page.goto(`${BASE_URL}/#/bulk-tests/${id}`);
    await page.waitForSelector('#bulk-test-cancel:not([hidden])');
    await page.click('#bulk-test-cancel');
    await eventually(async () => assert.equal(await page.textContent('#bulk-test-progress .badge.job-state'), 'Cancelled'));
    await page.click('#bulk-test-delete');
    await page.click('#bulk-test-delete-dialog-confirm');
    await page.waitForURL(new RegExp(`#/flows/${FLOW}$`));
    await page.waitForSelector('#flow-bulk-tests :is(#bulk-tests, #bulk-tests-none)');
    assert.equal(await page.locator(`#bulk-tests tr[data-test="${id}"]`).count(), 0);
    assert.equal((await page.request.get(`${BASE_URL}/api/v1/bulk-tests/${id}`)).status(), 404);
  }));

  test('a flow is deleted after confirmation', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/flows/${FLOW}`);
    await page.waitForSelector('#flow-delete');
    await page.click('#flow-delete');
    await page.click('#flow-delete-dialog-keep');
    assert.equal(await page.textContent('#flow-title'), FLOW);
    await page.click('#flow-delete');
    await page.click('#flow-delete-dialog-confirm');
    await page.waitForURL(/#\/flows$/);
    await page.waitForSelector('#flows-summary:not(:has-text("Loading"))');
    assert.equal(await page.locator(`#flows tr[data-flow="${FLOW}"]`).count(), 0);
    assert.equal((await page.request.get(`${BASE_URL}/api/v1/flows/${FLOW}`)).status(), 404);
  }));
});
