// Browser tests of deploying a model and of the endpoint pages (list, deployments and traffic, keys, Test and
// Consume) against catalog-service alone: no runner, so deployments stay creating with their reason, and
// scoring calls with a valid key answer 503.
//
// They expect the cards of io.modelcat.catalog.ui.CatalogUiTest (alpha-sentiment with files, epsilon-summary for
// a task that cannot be served), its admin and its viewer, and no MODELCAT_SECRET_KEY (keys are shown once).
// They add endpoints named ui-*, never cards or jobs; the tests run in order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, eventually, launchBrowser, screenshot, withPage } from './browser.js';
import { exampleRequest, pythonLiteral, shellQuote } from '../../ui-static/src/main/resources/ui/js/consume.js';

const VIEWER = { username: process.env.MODELCAT_UI_VIEWER_USERNAME, password: process.env.MODELCAT_UI_VIEWER_PASSWORD };
// The browser logs each answer it reads as a failure: field errors (400), conflicts (409), a wrong key (401) and
// scoring without a ready instance (503).
const EXPECTED = [/status of (400|401|409|503)/];

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function modelNamed(page, name) {
  const answer = await page.request.get(`${BASE_URL}/api/v1/models?q=${encodeURIComponent(name)}`);
  const model = (await answer.json()).items.find(m => m.name === name);
  assert.ok(model, `${name} is in the catalog`);
  return model;
}

/** Calls a scoring URL as an application does (no session): answers the status. */
async function score(scoringUri, key) {
  const response = await fetch(scoringUri, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ input_data: ['I love this'] }) });
  return response.status;
}

async function openDeployPage(page, modelName) {
  const model = await modelNamed(page, modelName);
  await page.goto(`${BASE_URL}/#/models/${model.id}`);
  await page.click('#deploy-model');
  await page.waitForSelector('#deploy-form');
  return model;
}

const row = (page, deployment) => page.locator(`#deployments tbody tr[data-deployment="${deployment}"]`);

describe('deploying a model', () => {
  test('into a new key endpoint: field errors beside the fields, the keys shown once, the deployment creating with its reason',
    () => withPage(browser, async page => {
      const alpha = await openDeployPage(page, 'alpha-sentiment');
      assert.equal(await page.textContent('h1'), 'Deploy alpha-sentiment');
      assert.match(page.url(), new RegExp(`#/models/${alpha.id}/deploy$`));
      // The defaults: a new endpoint with keys, deployment blue of the newest version, the API's defaults.
      assert.equal(await page.isChecked('#deploy-endpoint-new'), true);
      assert.equal(await page.isChecked('#deploy-auth-key'), true);
      assert.equal(await page.inputValue('#deploy-endpoint-name'), 'alpha-sentiment');
      assert.equal(await page.inputValue('#deploy-name'), 'blue');
      assert.equal(await page.inputValue('#deploy-version'), '2');
      assert.deepEqual(await page.locator('#deploy-version option').evaluateAll(o => o.map(x => x.value)), ['2', '1']);
      assert.equal(await page.inputValue('#deploy-instances'), '1');
      assert.equal(await page.inputValue('#deploy-max-concurrent'), '4');
      assert.equal(await page.inputValue('#deploy-timeout'), '5000');
      assert.equal(await page.isChecked('#deploy-device-cpu'), true);

      // A bad endpoint name: the API's message beside it, and nothing made.
      await page.fill('#deploy-endpoint-name', 'UI Sentiment');
      await page.click('#deploy-submit');
      await eventually(async () => assert.match(await page.textContent('#deploy-endpoint-name-error'), /lowercase letters/));
      assert.equal(await page.getAttribute('#deploy-endpoint-name', 'aria-invalid'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'deploy-endpoint-name');
      assert.equal(await page.locator('#deploy-new-keys').count(), 0);

      // A good name but too many instances: the endpoint is made (its keys shown at once), the deployment is not.
      await page.fill('#deploy-endpoint-name', 'ui-sentiment');
      await page.fill('#deploy-instances', '9');
      await page.click('#deploy-submit');
      await page.waitForSelector('#deploy-new-keys');
      await eventually(async () => assert.match(await page.textContent('#deploy-instances-error'), /8/));
      assert.equal(await page.isVisible('#deploy-endpoint-name-error'), false);
      const primary = await page.inputValue('#deploy-new-keys-value-primary');
      const secondary = await page.inputValue('#deploy-new-keys-value-secondary');
      assert.match(primary, /^mc_ek_/);
      assert.match(secondary, /^mc_ek_/);
      assert.notEqual(primary, secondary);
      assert.match(await page.textContent('#deploy-new-keys'), /may not be shown again/);
      assert.equal(await page.isVisible('#deploy-no-endpoints'), false);
      // A retry deploys into the endpoint just made instead of making it again.
      assert.equal(await page.isChecked('#deploy-endpoint-existing'), true);
      assert.equal(await page.inputValue('#deploy-endpoint-select'), 'ui-sentiment');
      await screenshot(page, '60-deploy-errors');

      await page.fill('#deploy-instances', '1');
      await page.click('#deploy-submit');
      await page.waitForSelector('#endpoint-name');
      assert.match(page.url(), /#\/endpoints\/ui-sentiment$/);
      assert.equal(await page.title(), 'ui-sentiment · ModelCat');
      assert.equal(await page.getAttribute('[data-nav="endpoints"]', 'aria-current'), 'page');
      // The keys, once more, on the endpoint's page.
      assert.equal(await page.inputValue('#endpoint-new-keys-value-primary'), primary);
      assert.equal(await page.inputValue('#endpoint-new-keys-value-secondary'), secondary);
      assert.equal(await page.inputValue('#endpoint-scoring-uri'), `${BASE_URL}/endpoints/ui-sentiment/score`);
      assert.equal(await page.inputValue('#endpoint-openai-url'), `${BASE_URL}/endpoints/ui-sentiment/v1`);
      // No runner: the deployment stays creating and says why; the page keeps asking.
      const blue = row(page, 'blue');
      assert.equal(await blue.getAttribute('data-state'), 'creating');
      assert.equal(await blue.locator('.badge.deployment-state').textContent(), 'Creating');
      assert.match(await blue.locator('.deployment-reason').textContent(), /waiting for a live runner/);
      assert.equal(await blue.locator('.deployment-model').textContent(), 'alpha-sentiment');
      assert.equal(await blue.locator('.deployment-model').getAttribute('href'), `#/models/${encodeURIComponent(alpha.id)}`);
      assert.equal(await page.inputValue('#traffic-blue'), '100', 'the first deployment gets all the traffic');
      assert.equal(await page.isVisible('#endpoint-live'), true);
      await screenshot(page, '61-endpoint-created');

      // The keys work (no ready instance yet: 503); another key does not.
      assert.equal(await score(`${BASE_URL}/endpoints/ui-sentiment/score`, primary), 503);
      assert.equal(await score(`${BASE_URL}/endpoints/ui-sentiment/score`, 'mc_ek_not-a-key'), 401);

      // Shown once: not after a reload, and the service cannot show them again (no MODELCAT_SECRET_KEY here).
      await page.reload();
      await page.waitForSelector('#endpoint-name');
      assert.equal(await page.locator('#endpoint-new-keys').count(), 0);
      await page.click('#tab-keys');
      await page.click('#show-keys');
      await eventually(async () => assert.match(await page.textContent('#keys-message'), /cannot be shown again/));
    }, { allowedConsoleErrors: EXPECTED }));

  test('into the same endpoint as green; the traffic must sum to 100; a deployment with traffic cannot be deleted',
    () => withPage(browser, async page => {
      await openDeployPage(page, 'alpha-sentiment');
      await page.check('#deploy-endpoint-existing');
      await page.selectOption('#deploy-endpoint-select', 'ui-sentiment');
      assert.equal(await page.inputValue('#deploy-name'), 'green', 'the next free name');
      await page.selectOption('#deploy-version', '1');
      await page.click('#deploy-submit');
      await page.waitForSelector('#deployments tbody tr[data-deployment="green"]');
      assert.equal(await page.locator('#endpoint-new-keys').count(), 0, 'no new keys');
      assert.equal(await row(page, 'green').locator('td').nth(1).textContent(), 'v1');
      assert.equal(await page.inputValue('#traffic-green'), '0');
      assert.equal(await page.inputValue('#traffic-blue'), '100');

      await page.fill('#traffic-blue', '60');
      await page.fill('#traffic-green', '30');
      assert.equal(await page.textContent('#traffic-total'), 'Total: 90%');
      await page.click('#traffic-save');
      await eventually(async () => assert.match(await page.textContent('#traffic-error'), /must sum to 100.*sums to 90/));
      await screenshot(page, '62-traffic-error');
      // A refresh keeps what the reader typed.
      await page.waitForTimeout(2500);
      assert.equal(await page.inputValue('#traffic-green'), '30');

      await page.fill('#traffic-blue', '90');
      await page.fill('#traffic-green', '10');
      await page.press('#traffic-green', 'Enter');
      await eventually(async () => assert.equal(await page.textContent('#traffic-status'), 'Traffic saved.'));
      assert.equal(await page.isVisible('#traffic-error'), false);
      assert.equal(await page.textContent('#endpoint-traffic'), 'blue 90% · green 10%');
      await page.reload();
      await page.waitForSelector('#traffic-green');
      assert.equal(await page.inputValue('#traffic-green'), '10');

      // Green has traffic: the service refuses, and says what to do.
      await row(page, 'green').getByRole('button', { name: 'Delete deployment green' }).click();
      await page.click('#delete-deployment-dialog-confirm');
      await eventually(async () => assert.match(await page.textContent('#deployments-message'), /receives 10% of the traffic/));

      await page.fill('#traffic-blue', '100');
      await page.fill('#traffic-green', '0');
      await page.click('#traffic-save');
      await eventually(async () => assert.equal(await page.textContent('#endpoint-traffic'), 'blue 100%'));
      // Keep it first: nothing changes, and the focus goes back to the button.
      await row(page, 'green').getByRole('button', { name: 'Delete deployment green' }).click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'delete-deployment-dialog-keep');
      await page.keyboard.press('Escape');
      await eventually(async () => assert.equal(await page.locator('#delete-deployment-dialog').count(), 0));
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Delete deployment green');
      await row(page, 'green').getByRole('button', { name: 'Delete deployment green' }).click();
      await page.click('#delete-deployment-dialog-confirm');
      await eventually(async () => assert.equal(await row(page, 'green').count(), 0));
      assert.equal(await row(page, 'blue').count(), 1);
    }, { allowedConsoleErrors: EXPECTED }));

  test('into a new endpoint for personal API tokens, its description shown as text; deleting it after confirmation',
    () => withPage(browser, async page => {
      await openDeployPage(page, 'alpha-sentiment');
      await page.fill('#deploy-endpoint-name', 'ui-tokens');
      await page.fill('#deploy-endpoint-description', '<img src=x onerror="window.xssRan = true"> for <b>staff</b>');
      await page.check('#deploy-auth-token');
      await page.click('#deploy-submit');
      await page.waitForSelector('#endpoint-name');
      assert.match(page.url(), /#\/endpoints\/ui-tokens$/);
      assert.equal(await page.textContent('#endpoint-description'), '<img src=x onerror="window.xssRan = true"> for <b>staff</b>');
      assert.equal(await page.locator('#endpoint-description img, #endpoint-description b').count(), 0);
      assert.equal(await page.evaluate(() => window.xssRan), undefined);
      assert.equal(await page.locator('#endpoint-new-keys').count(), 0, 'no keys in token mode');
      assert.equal(await page.textContent('#endpoint-auth'), 'Personal API tokens');

      await page.click('#tab-keys');
      assert.match(await page.textContent('#keys-token-mode'), /personal API tokens.*no keys/s);
      await page.click('#tab-test');
      assert.equal(await page.textContent('label[for="test-credential"]'), 'Personal API token');
      assert.match(await page.textContent('#test-credential-hint'), /personal API tokens: paste one of yours/);
      assert.equal(await page.isVisible('#test-key-pick'), false);
      await page.click('#tab-consume');
      assert.match(await page.textContent('#consume-curl'), /Authorization: Bearer \$MODELCAT_TOKEN/);

      // Keep it first, then delete it.
      await page.click('#endpoint-delete');
      await page.waitForSelector('#delete-endpoint-dialog');
      assert.match(await page.textContent('#delete-endpoint-dialog-text'), /deployments and keys go with it/);
      await page.click('#delete-endpoint-dialog-keep');
      await eventually(async () => assert.equal(await page.locator('#delete-endpoint-dialog').count(), 0));
      assert.match(page.url(), /#\/endpoints\/ui-tokens$/);
      await page.click('#endpoint-delete');
      await page.click('#delete-endpoint-dialog-confirm');
      await page.waitForSelector('#endpoints-heading');
      assert.match(page.url(), /#\/endpoints$/);
      await eventually(async () => assert.equal(await page.locator('#endpoints tr[data-endpoint="ui-tokens"]').count(), 0));
      const gone = await page.request.get(`${BASE_URL}/api/v1/endpoints/ui-tokens`);
      assert.equal(gone.status(), 404);
    }, { allowedConsoleErrors: EXPECTED }));

  test('is not offered for a task that cannot be served, nor before the model has files', () => withPage(browser, async page => {
    const epsilon = await modelNamed(page, 'epsilon-summary');
    await page.goto(`${BASE_URL}/#/models/${epsilon.id}`);
    await page.waitForSelector('#versions-heading');
    assert.equal(await page.getAttribute('#deploy-model', 'aria-disabled'), 'true');
    assert.match(await page.getAttribute('#deploy-model', 'title'), /this model is for summarization/);
    assert.match(await page.getAttribute('#deploy-model', 'title'), /Deployments serve .*text-classification/);
    await page.goto(`${BASE_URL}/#/models/${epsilon.id}/deploy`);
    await eventually(async () => assert.match(await page.textContent('#deploy-unavailable'), /this model is for summarization/));

    const gamma = await modelNamed(page, 'gamma-qa');
    await page.goto(`${BASE_URL}/#/models/${gamma.id}`);
    await page.waitForSelector('#versions-heading');
    assert.equal(await page.getAttribute('#deploy-model', 'aria-disabled'), 'true');
    assert.equal(await page.getAttribute('#deploy-model', 'title'), 'No version with files yet: import the model first.');
    assert.equal(await page.textContent('#deploy-why'), 'No version with files yet: import the model first.');
  }));
});

describe('the endpoint page', () => {
  test('regenerates a key and shows it, calls the endpoint from the Test tab, and gives snippets in the Consume tab',
    () => withPage(browser, async page => {
      await page.goto(`${BASE_URL}/#/endpoints/ui-sentiment`);
      await page.waitForSelector('#endpoint-name');
      // The tabs from the keyboard.
      await page.focus('#tab-deployments');
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-keys');
      assert.equal(await page.getAttribute('#tab-keys', 'aria-selected'), 'true');
      assert.equal(await page.isVisible('#panel-keys'), true);
      assert.equal(await page.isVisible('#panel-deployments'), false);

      await page.click('#regenerate-primary');
      assert.match(await page.textContent('#regenerate-dialog-text'), /stops working at once/);
      await page.click('#regenerate-dialog-confirm');
      await page.waitForSelector('#endpoint-key-primary');
      const key = await page.inputValue('#endpoint-key-primary');
      assert.match(key, /^mc_ek_/);
      assert.match(await page.textContent('#keys-note'), /new primary key works from now on.*secondary key is unchanged/s);
      assert.equal(await page.locator('#endpoint-key-secondary').count(), 0, 'the other key cannot be shown again');
      assert.equal(await score(`${BASE_URL}/endpoints/ui-sentiment/score`, key), 503);
      await screenshot(page, '63-endpoint-keys');

      await page.click('#tab-test');
      assert.deepEqual(JSON.parse(await page.inputValue('#test-body')), { input_data: ['I love this'] });
      assert.equal(await page.textContent('label[for="test-credential"]'), 'Key');
      // Nothing is sent without a key, nor with a body that is not JSON.
      await page.click('#test-send');
      assert.match(await page.textContent('#test-credential-error'), /Paste a key/);
      await page.selectOption('#test-key-pick', 'primaryKey');
      assert.equal(await page.inputValue('#test-credential'), key);
      await page.fill('#test-body', '{"input_data": [');
      await page.click('#test-send');
      assert.match(await page.textContent('#test-body-error'), /not JSON/);
      await page.click('#test-example');
      assert.deepEqual(JSON.parse(await page.inputValue('#test-body')), { input_data: ['I love this'] });

      await page.click('#test-send');
      await eventually(async () => assert.equal(await page.textContent('#test-status'), '503 Service Unavailable'));
      const answer = JSON.parse(await page.textContent('#test-answer'));
      assert.equal(answer.status, 503);
      assert.match(answer.detail, /blue/);
      assert.equal(await page.textContent('#test-answered'), '—');
      await screenshot(page, '64-endpoint-test');

      await page.fill('#test-credential', 'mc_ek_not-a-key');
      await page.click('#test-send');
      await eventually(async () => assert.equal(await page.textContent('#test-status'), '401 Unauthorized'));

      await page.click('#tab-consume');
      const uri = `${BASE_URL}/endpoints/ui-sentiment/score`;
      assert.equal(await page.textContent('#consume-scoring-uri'), uri);
      const curl = await page.textContent('#consume-curl pre');
      assert.ok(curl.startsWith(`curl -sS '${uri}'`), curl);
      assert.match(curl, /-H "Authorization: Bearer \$ENDPOINT_KEY"/);
      assert.match(curl, /-d '\{"input_data":\["I love this"\]\}'/);
      const python = await page.textContent('#consume-python pre');
      assert.match(python, /import requests/);
      assert.ok(python.includes(`requests.post(\n    "${uri}",`), python);
      assert.ok(python.includes('json={"input_data": ["I love this"]}'), python);
      assert.equal(await page.locator('#consume-openai').count(), 0, 'no OpenAI snippet for text classification');
      assert.equal(await page.isVisible('#consume-no-openai'), true);
      await screenshot(page, '65-endpoint-consume');
    }, { allowedConsoleErrors: EXPECTED }));

  test('gives a text-generation endpoint its example and the OpenAI and LangChain snippets (stubbed endpoint)',
    () => withPage(browser, async page => {
      const now = new Date().toISOString();
      const endpoint = { name: 'ui-writer', description: '', authMode: 'key', scoringUri: `${BASE_URL}/endpoints/ui-writer/score`,
        openaiBaseUrl: `${BASE_URL}/endpoints/ui-writer/v1`, traffic: { storyteller: 100 }, createdBy: 'ui-admin', createdAt: now,
        updatedAt: now, deployments: [{ name: 'storyteller', modelId: '00000000-0000-4000-8000-0000000000b1', modelName: 'delta-writer',
          versionNumber: 1, task: 'text-generation', instanceCount: 1, device: 'gpu', maxConcurrentRequestsPerInstance: 4,
          requestTimeoutMs: 30000, state: 'ready', reason: null, createdAt: now, updatedAt: now,
          instances: [{ id: '00000000-0000-4000-8000-0000000000b2', worker: 'gpu-box', state: 'ready', reason: null }] }] };
      await page.route('**/api/v1/endpoints/ui-writer', route => route.fulfill({ contentType: 'application/json', body: JSON.stringify(endpoint) }));
      await page.goto(`${BASE_URL}/#/endpoints/ui-writer`);
      await page.waitForSelector('#endpoint-name');
      assert.equal(await row(page, 'storyteller').locator('.badge.deployment-state').textContent(), 'Ready');
      assert.match(await row(page, 'storyteller').locator('.deployment-instances').textContent(), /1 × GPU.*gpu-box: ready/s);
      assert.equal(await page.isVisible('#endpoint-live'), false, 'nothing to wait for');

      await page.click('#tab-test');
      assert.deepEqual(JSON.parse(await page.inputValue('#test-body')),
        { inputs: { input_string: ['Once upon a time'] }, parameters: { max_new_tokens: 20 } });
      await page.click('#tab-consume');
      const openai = await page.textContent('#consume-openai pre');
      assert.ok(openai.includes(`OpenAI(base_url="${BASE_URL}/endpoints/ui-writer/v1", api_key=os.environ["ENDPOINT_KEY"])`), openai);
      assert.ok(openai.includes('client.completions.create(model="storyteller", prompt="Once upon a time", max_tokens=20)'), openai);
      const langchain = await page.textContent('#consume-langchain pre');
      assert.match(langchain, /AzureMLOnlineEndpoint\(/);
      assert.match(langchain, /content_formatter=GPT2ContentFormatter\(\)/);
      assert.ok(langchain.includes(`endpoint_url="${BASE_URL}/endpoints/ui-writer/score"`), langchain);
      assert.equal(await page.isVisible('#consume-no-openai'), false);
      await screenshot(page, '66-endpoint-consume-openai');
    }));
});

describe('the endpoints page', () => {
  test('lists the endpoints with their deployments, states, traffic and creator', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/`);
    await page.click('[data-nav="endpoints"]');
    await page.waitForSelector('#endpoints tr[data-endpoint="ui-sentiment"]');
    assert.equal(await page.title(), 'Endpoints · ModelCat');
    assert.equal(await page.getAttribute('[data-nav="endpoints"]', 'aria-current'), 'page');
    const endpoint = page.locator('#endpoints tr[data-endpoint="ui-sentiment"]');
    assert.equal(await endpoint.locator('.endpoint-auth').textContent(), 'Keys');
    assert.equal(await endpoint.locator('li[data-deployment="blue"] .badge.deployment-state').textContent(), 'Creating');
    assert.equal(await endpoint.locator('.endpoint-traffic').textContent(), 'blue 100%');
    assert.match(await endpoint.textContent(), /ui-admin/);
    assert.equal(await page.isVisible('#endpoints-live'), true);
    await screenshot(page, '67-endpoints');
    await endpoint.locator('a.endpoint-link').click();
    await page.waitForSelector('#endpoint-name');
    assert.match(page.url(), /#\/endpoints\/ui-sentiment$/);
  }));
});

describe('a viewer', () => {
  test('is offered no Deploy button and no changes to endpoints, but sees them', () => withPage(browser, async page => {
    const alpha = await modelNamed(page, 'alpha-sentiment');
    await page.goto(`${BASE_URL}/#/models/${alpha.id}`);
    await page.waitForSelector('#versions');
    assert.equal(await page.locator('#deploy-model').count(), 0);

    await page.goto(`${BASE_URL}/#/endpoints/ui-sentiment`);
    await page.waitForSelector('#deployments tbody tr');
    assert.equal(await row(page, 'blue').locator('.deployment-traffic').textContent(), '100%');
    assert.equal(await page.locator('#traffic-save, #endpoint-delete, .traffic-input').count(), 0);
    assert.equal(await page.locator('#deployments button').count(), 0);
    await page.click('#tab-keys');
    assert.match(await page.textContent('#keys-role'), /contributor role/);
  }, { as: VIEWER }));
});

describe('the snippets', () => {
  test('quote what they embed', () => {
    assert.equal(shellQuote(`it's`), `'it'\\''s'`);
    assert.equal(pythonLiteral({ a: [true, false, null, 1.5, 'say "hi"'] }), '{"a": [True, False, None, 1.5, "say \\"hi\\""]}');
    assert.deepEqual(exampleRequest('question-answering'), { input_data: { question: 'Where is the tower?', context: 'The tower is in Paris.' } });
  });
});
