// Browser tests that the task registry (GET /api/v1/tasks) drives the UI: the wizards' tasks and settings,
// the Try-it inputs and the compare page's metrics come from it, and change when it changes.
//
// They expect the cards of io.modelcat.catalog.ui.CatalogUiTest (alpha-sentiment with versions, gamma-qa with a
// sample and no versions) and change nothing: what they submit is answered by stubs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, eventually, launchBrowser, modelNamed, screenshot, withPage } from './browser.js';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function registryOf(page) {
  const answer = await page.request.get(`${BASE_URL}/api/v1/tasks`);
  assert.equal(answer.status(), 200);
  return answer.json();
}

/**
 * Answers, in this page only, as if the model had one version with files: its versions, and the Python lines the
 * service gives for it (which "Use from Python" shows).
 */
async function stubVersionWithFiles(page, model, versionId) {
  await page.route(`**/api/v1/models/${model.id}/versions`, route => route.fulfill({ contentType: 'application/json',
    body: JSON.stringify([{ id: versionId, versionNumber: 1, artifactUri: `file:///models/${model.name}/1`,
      createdAt: new Date().toISOString() }]) }));
  await page.route(`**/api/v1/models/${model.id}/python`, route => route.fulfill({ contentType: 'application/json',
    body: JSON.stringify({ repoId: `modelcat/${model.name}`, versionNumber: 1, library: 'transformers',
      python: `from transformers import AutoModel\n\nmodel = AutoModel.from_pretrained("modelcat/${model.name}")\n` }) }));
}

/** What a number field of a setting must carry: the default, and the limits that include their bound. */
function expectedAttributes(setting) {
  // A list of names is a text field (empty: the job's default), a flag a checkbox; neither has limits.
  if (setting.type === 'names') return { value: '', min: null, max: null };
  if (setting.type === 'flag') return { value: 'on', min: null, max: null };
  return {
    value: setting.default === undefined ? '' : String(setting.default),
    min: typeof setting.minimum === 'number' && !setting.minimumExcluded ? String(setting.minimum) : null,
    max: typeof setting.maximum === 'number' && !setting.maximumExcluded ? String(setting.maximum) : null,
  };
}

async function fieldAttributes(page, id) {
  return { value: await page.inputValue(`#${id}`), min: await page.getAttribute(`#${id}`, 'min'), max: await page.getAttribute(`#${id}`, 'max') };
}

describe('the task registry', () => {
  test('gives the fine-tune wizard its tasks and hyperparameters, with defaults, limits and help', () => withPage(browser, async page => {
    const registry = await registryOf(page);
    const alpha = await modelNamed(page, 'alpha-sentiment');
    await page.goto(`${BASE_URL}/#/models/${alpha.id}/finetune`);
    await eventually(async () => assert.equal(await page.textContent('h1'), 'Fine-tune alpha-sentiment'));

    const finetunable = registry.tasks.filter(t => t.jobKinds.includes('finetune')).map(t => t.name);
    assert.deepEqual(await page.locator('#wizard-task option').evaluateAll(options => options.map(o => o.value)),
      alpha.finetuningTasks.filter(t => finetunable.includes(t)));
    // Every hyperparameter, in the registry's order.
    assert.deepEqual(await page.locator('.hp-grid input').evaluateAll(inputs => inputs.map(i => i.name)),
      registry.hyperparameters.map(s => s.name));
    for (const setting of registry.hyperparameters) {
      assert.deepEqual(await fieldAttributes(page, `hp-${setting.name}`), expectedAttributes(setting), setting.name);
      assert.equal((await page.textContent(`#hp-${setting.name}-hint`)).toLowerCase(), `${setting.description}.`.toLowerCase());
    }
    const epochs = registry.hyperparameters.find(s => s.name === 'epochs');
    assert.deepEqual(await fieldAttributes(page, 'hp-epochs'), { value: String(epochs.default), min: '1', max: '100' });
    assert.equal(await page.textContent('label[for="hp-epochs"]'), 'Epochs');
    assert.equal(await page.textContent('#hp-epochs-hint'), 'Passes over the training data; a whole number between 1 and 100 (default 3).');
    // No default means off: the field starts empty.
    assert.equal(await page.inputValue('#hp-earlyStoppingPatience'), '');
    // LoRA's target modules are an advanced field: comma-separated names, folded away until asked for.
    assert.equal(await page.isVisible('#hp-loraTargetModules'), false);
    await page.click('#hp-advanced summary');
    assert.equal(await page.isVisible('#hp-loraTargetModules'), true);
    assert.equal(await page.textContent('label[for="hp-loraTargetModules"]'), 'Lora target modules');
    await screenshot(page, '15-finetune-registry');
  }));

  test('offers summarization and translation to fine-tune an encoder-decoder, with translation\'s languages', () => withPage(browser, async page => {
    const registry = await registryOf(page);
    const alpha = await modelNamed(page, 'alpha-sentiment');
    // Here alpha is a T5: its card lists the encoder-decoder tasks that the registry fine-tunes.
    await page.route(`**/api/v1/models/${alpha.id}`, async route => {
      const card = await (await route.fetch()).json();
      return route.fulfill({ contentType: 'application/json',
        body: JSON.stringify({ ...card, task: 'summarization', finetuningTasks: ['summarization', 'translation'] }) });
    });
    assert.ok(registry.tasks.find(t => t.name === 'translation').jobKinds.includes('finetune'));
    await page.goto(`${BASE_URL}/#/models/${alpha.id}/finetune`);
    await eventually(async () => assert.deepEqual(
      await page.locator('#wizard-task option').evaluateAll(options => options.map(o => o.value)), ['summarization', 'translation']));
    assert.equal(await page.isVisible('#wizard-languages'), false, 'no languages for summarization');
    await page.selectOption('#wizard-task', 'translation');
    await eventually(async () => assert.equal(await page.isVisible('#wizard-sourceLanguage'), true));
    assert.equal(await page.textContent('label[for="wizard-targetLanguage"]'), 'Target language');
    await page.selectOption('#wizard-task', 'summarization');
    await eventually(async () => assert.equal(await page.isVisible('#wizard-languages'), false));
  }));

  test('gives the evaluate wizard its settings', () => withPage(browser, async page => {
    const registry = await registryOf(page);
    const alpha = await modelNamed(page, 'alpha-sentiment');
    await page.goto(`${BASE_URL}/#/models/${alpha.id}/evaluate`);
    await eventually(async () => assert.equal(await page.textContent('h1'), 'Evaluate alpha-sentiment'));
    for (const setting of registry.evaluationSettings) {
      assert.deepEqual(await fieldAttributes(page, `eval-${setting.name}`), expectedAttributes(setting), setting.name);
    }
    assert.equal(await page.inputValue('#eval-batchSize'), '32');
  }));

  test('changes the wizards when it changes', () => withPage(browser, async page => {
    const registry = await registryOf(page);
    const changed = structuredClone(registry);
    Object.assign(changed.hyperparameters.find(s => s.name === 'epochs'),
      { default: 7, maximum: 50, description: 'passes over the training data; a whole number between 1 and 50 (default 7)' });
    changed.hyperparameters.push({ name: 'labelSmoothing', type: 'number', default: 0.1, minimum: 0, minimumExcluded: false,
      maximum: 1, maximumExcluded: true, help: 'share of a label spread over the others', description: 'share of a label spread over the others; at least 0 and below 1 (default 0.1)' });
    changed.evaluationSettings.find(s => s.name === 'batchSize').default = 64;
    await page.route('**/api/v1/tasks', route => route.fulfill({ contentType: 'application/json', body: JSON.stringify(changed) }));
    const alpha = await modelNamed(page, 'alpha-sentiment');

    await page.goto(`${BASE_URL}/#/models/${alpha.id}/finetune`);
    await eventually(async () => assert.equal(await page.inputValue('#hp-epochs'), '7'));
    assert.equal(await page.getAttribute('#hp-epochs', 'max'), '50');
    assert.match(await page.textContent('#hp-epochs-hint'), /between 1 and 50 \(default 7\)/);
    assert.equal(await page.textContent('label[for="hp-labelSmoothing"]'), 'Label smoothing');
    assert.equal(await page.inputValue('#hp-labelSmoothing'), '0.1');
    assert.equal(await page.getAttribute('#hp-labelSmoothing', 'max'), null, 'an excluded bound is not a max attribute');

    await page.goto(`${BASE_URL}/#/models/${alpha.id}/evaluate`);
    await eventually(async () => assert.equal(await page.inputValue('#eval-batchSize'), '64'));
  }));

  test('gives Try it the inputs of the model\'s task', () => withPage(browser, async page => {
    const registry = await registryOf(page);
    const inputsOf = task => registry.tasks.find(t => t.name === task).predictInputs.map(i => i.name);
    const alpha = await modelNamed(page, 'alpha-sentiment');
    await page.goto(`${BASE_URL}/#/models/${alpha.id}`);
    await eventually(async () => assert.equal(await page.inputValue('#tryit-text'), 'I love this!'));
    assert.deepEqual(await page.locator('#tryit-form textarea').evaluateAll(boxes => boxes.map(b => b.name)), inputsOf('text-classification'));
    assert.equal(await page.textContent('label[for="tryit-text2"]'), 'Text 2 (optional)');
    assert.equal(await page.textContent('#tryit-text-hint'), 'The text to classify.');

    // gamma-qa has no files; here it has a version with files, and the worker's answer is stubbed.
    const gamma = await modelNamed(page, 'gamma-qa');
    await stubVersionWithFiles(page, gamma, '00000000-0000-4000-8000-0000000000a1');
    let sent = null;
    await page.route(`**/api/v1/models/${gamma.id}/predict`, route => {
      sent = route.request().postDataJSON();
      return route.fulfill({ contentType: 'application/json', body: JSON.stringify({ id: '00000000-0000-4000-8000-0000000000a2',
        kind: 'predict', state: 'succeeded', workerId: 'stub-runner',
        result: { millis: 12, cachedModel: true, prediction: { answer: 'Paris', score: 0.97, start: 15, end: 20 } } }) });
    });
    await page.goto(`${BASE_URL}/#/models/${gamma.id}`);
    await eventually(async () => assert.equal(await page.inputValue('#tryit-question'), 'Where is the tower?'));
    await eventually(async () => assert.match(await page.textContent('#hub-snippet'),
      /^import os\nos\.environ\["HF_ENDPOINT"\] = "http:\/\/[^"]+\/hub"\n[^\n]*\n\nfrom transformers import AutoModel\n\nmodel = AutoModel\.from_pretrained\("modelcat\/gamma-qa"\)\n$/));
    assert.equal(await page.textContent('#hub-repo-id'), 'modelcat/gamma-qa');
    assert.deepEqual(await page.locator('#tryit-form textarea').evaluateAll(boxes => boxes.map(b => b.name)), inputsOf('question-answering'));
    assert.deepEqual(inputsOf('question-answering'), ['question', 'context']);
    assert.equal(await page.inputValue('#tryit-context'), 'The tower is in Paris.');
    assert.equal(await page.textContent('label[for="tryit-context"]'), 'Context');
    assert.equal(await page.textContent('#tryit-context-hint'), 'The passage that holds the answer.');
    // The registry says the engine evaluates question answering: Evaluate is a link to its page.
    assert.ok(registry.tasks.find(t => t.name === 'question-answering').jobKinds.includes('evaluate'));
    assert.equal(await page.getAttribute('#evaluate-model', 'href'), `#/models/${encodeURIComponent(gamma.id)}/evaluate`);

    // An empty required input is named before anything is sent.
    await page.fill('#tryit-question', ' ');
    await page.click('#tryit-submit');
    assert.equal(await page.textContent('#tryit-missing'), 'Enter question to run the model.');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'tryit-question');
    assert.equal(sent, null);

    await page.fill('#tryit-question', 'Where is the tower?');
    await page.click('#tryit-submit');
    await eventually(async () => assert.match(await page.textContent('#tryit-answer'), /Answer: Paris \(0\.970\)/));
    assert.deepEqual(sent, { question: 'Where is the tower?', context: 'The tower is in Paris.' });
    await screenshot(page, '16-tryit-question-answering');
  }));

  test('says which tasks the engine evaluates when the model\'s are not among them', () => withPage(browser, async page => {
    const registry = await registryOf(page);
    // Every card's task is evaluated now: the page gets a registry in which summarization is not.
    const summarization = registry.tasks.find(t => t.name === 'summarization');
    summarization.jobKinds = summarization.jobKinds.filter(kind => kind !== 'evaluate');
    await page.route('**/api/v1/tasks', route => route.fulfill({ contentType: 'application/json', body: JSON.stringify(registry) }));
    const evaluatable = registry.tasks.filter(t => t.jobKinds.includes('evaluate')).map(t => t.name).join(', ');
    // epsilon-summary (summarization) has no files; here it has a version with files.
    const epsilon = await modelNamed(page, 'epsilon-summary');
    await stubVersionWithFiles(page, epsilon, '00000000-0000-4000-8000-0000000000b1');
    await page.goto(`${BASE_URL}/#/models/${epsilon.id}`);
    assert.equal(await page.getByRole('button', { name: 'Evaluate' }).getAttribute('title'),
      `The engine evaluates ${evaluatable}; this model has none of them.`);
  }));

  test('gives the compare page each task\'s metrics and which way they improve', () => withPage(browser, async page => {
    const registry = await registryOf(page);
    const token = registry.tasks.find(t => t.name === 'token-classification');
    await page.goto(`${BASE_URL}/#/compare?datasetId=00000000-0000-4000-8000-000000000000&task=token-classification`);
    await eventually(async () => assert.match(await page.textContent('#compare-empty'), /No model has results/));
    assert.deepEqual(await page.locator('#compare-task option').evaluateAll(options => options.map(o => o.value).filter(Boolean)),
      registry.tasks.filter(t => t.jobKinds.includes('evaluate')).map(t => t.name));
    const offered = await page.locator('#compare-metric option').evaluateAll(options => options.map(o => o.value));
    assert.deepEqual(offered, token.metrics.map(m => m.name));
    assert.ok(offered.includes('token_accuracy'), 'token accuracy is offered');
    // Ranked by the metric early stopping watches unless another is chosen.
    assert.equal(await page.inputValue('#compare-metric'), token.earlyStoppingMetric);
    assert.match(await page.textContent('#compare-direction'), /^Entity F1: .*; higher is better\.$/);

    await page.selectOption('#compare-metric', 'token_accuracy');
    await eventually(async () => assert.match(page.url(), /metric=token_accuracy/));
    assert.equal(await page.textContent('#compare-direction'), 'Token accuracy: share of words whose tag is right; higher is better.');

    await page.selectOption('#compare-task', 'text-generation');
    await eventually(async () => assert.equal(await page.inputValue('#compare-metric'), 'loss'));
    await page.selectOption('#compare-metric', 'perplexity');
    await eventually(async () => assert.match(await page.textContent('#compare-direction'), /^Perplexity: .*; lower is better\.$/));
    await screenshot(page, '17-compare-registry');
  }));

  test('says so when the registry cannot be read', () => withPage(browser, async page => {
    await page.route('**/api/v1/tasks', route => route.fulfill({ status: 503, contentType: 'application/problem+json',
      body: JSON.stringify({ title: 'Service Unavailable', status: 503, detail: 'the registry is resting' }) }));
    const alpha = await modelNamed(page, 'alpha-sentiment');
    await page.goto(`${BASE_URL}/#/models/${alpha.id}/finetune`);
    await eventually(async () => assert.match(await page.textContent('.problem'), /Service Unavailable.*the registry is resting/s));
    await page.unroute('**/api/v1/tasks');
    await page.getByRole('button', { name: 'Try again' }).click();
    await eventually(async () => assert.equal(await page.inputValue('#hp-epochs'), '3'));
  }, { allowedConsoleErrors: [/status of 503/] }));
});
