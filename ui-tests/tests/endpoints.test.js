// Browser tests of deploying a model and of the endpoint pages (list, deployments and traffic, the mirror, changing a
// deployment, metrics, keys, Test and Consume) against catalog-service alone: no runner, so deployments stay creating
// with their reason, and scoring calls with a valid key answer 503 (which the metrics count as errors).
//
// They expect the cards of io.modelcat.catalog.ui.CatalogUiTest (alpha-sentiment with files, epsilon-summary without
// files, whose task the stubbed registry of one test does not serve), its admin and its viewer, and no MODELCAT_SECRET_KEY (keys are shown once).
// They add endpoints named ui-*, never cards or jobs; the tests run in order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, eventually, launchBrowser, modelNamed, screenshot, withPage } from './browser.js';
import { exampleRequest, pythonLiteral, shellQuote, snippets } from '../../ui-static/src/main/resources/ui/js/consume.js';
import { deploymentChanges } from '../../ui-static/src/main/resources/ui/js/deploymentedit.js';
import { latencyText, measuredCalls, minutePoints, rateText } from '../../ui-static/src/main/resources/ui/js/endpointmetrics.js';

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
const metricsRow = (page, deployment) => page.locator(`#metrics tbody tr[data-deployment="${deployment}"]`);

/** Calls the API as the page's account (its session cookie and CSRF token); answers the JSON. */
async function api(page, method, path, data) {
  const session = await (await page.request.get(`${BASE_URL}/api/v1/auth/session`)).json();
  const response = await page.request.fetch(`${BASE_URL}/api/v1${path}`, { method, data, headers: { 'X-CSRF-Token': session.csrfToken } });
  assert.ok(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.status() === 204 ? null : response.json();
}

/** The texts of a metrics row's cells, by kind. */
async function metricsCells(page, deployment) {
  const cells = {};
  for (const kind of ['requests', 'rate', 'p50', 'p99', 'errors', 'throttled', 'mirrored']) {
    cells[kind] = await metricsRow(page, deployment).locator(`.metric-${kind}`).textContent();
  }
  return cells;
}

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
      assert.equal(await page.inputValue('#deploy-cpu-cores'), '0');
      assert.equal(await page.inputValue('#deploy-max-concurrent'), '4');
      assert.equal(await page.inputValue('#deploy-timeout'), '5000');
      assert.equal(await page.inputValue('#deploy-batch-size'), '8');
      assert.equal(await page.inputValue('#deploy-batch-delay'), '2');
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

  test('serves summarization (once the model has files), and is not offered for a task the registry does not serve',
    () => withPage(browser, async page => {
    const epsilon = await modelNamed(page, 'epsilon-summary');
    await page.goto(`${BASE_URL}/#/models/${epsilon.id}`);
    await page.waitForSelector('#versions-heading');
    // Summarization is served: only the missing files stand in the way.
    assert.equal(await page.getAttribute('#deploy-model', 'aria-disabled'), 'true');
    assert.equal(await page.getAttribute('#deploy-model', 'title'), 'No version with files yet: import the model first.');

    // A registry in which summarization is not served (as before encoder-decoders were).
    const registry = await (await page.request.get(`${BASE_URL}/api/v1/tasks`)).json();
    assert.equal(registry.tasks.find(t => t.name === 'summarization').servedByEndpoints, true);
    assert.equal(registry.tasks.find(t => t.name === 'translation').servedByEndpoints, true);
    registry.tasks.find(t => t.name === 'summarization').servedByEndpoints = false;
    await page.route('**/api/v1/tasks', route => route.fulfill({ contentType: 'application/json', body: JSON.stringify(registry) }));
    await page.goto('about:blank');
    await page.goto(`${BASE_URL}/#/models/${epsilon.id}`);
    await page.waitForSelector('#versions-heading');
    assert.equal(await page.getAttribute('#deploy-model', 'aria-disabled'), 'true');
    assert.match(await page.getAttribute('#deploy-model', 'title'), /this model is for summarization/);
    assert.match(await page.getAttribute('#deploy-model', 'title'), /Deployments serve .*text-classification/);
    await page.goto(`${BASE_URL}/#/models/${epsilon.id}/deploy`);
    await eventually(async () => assert.match(await page.textContent('#deploy-unavailable'), /this model is for summarization/));
    await page.unroute('**/api/v1/tasks');

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
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-metrics');
      assert.equal(await page.isVisible('#panel-metrics'), true);
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-logs');
      assert.equal(await page.isVisible('#panel-logs'), true);
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
        keyScoringUri: `${BASE_URL}/score`, openaiBaseUrl: `${BASE_URL}/endpoints/ui-writer/v1`, traffic: { storyteller: 100 }, createdBy: 'ui-admin', createdAt: now,
        updatedAt: now, deployments: [{ name: 'storyteller', modelId: '00000000-0000-4000-8000-0000000000b1', modelName: 'delta-writer',
          versionNumber: 1, task: 'text-generation', instanceCount: 1, device: 'gpu', maxConcurrentRequestsPerInstance: 4,
          requestTimeoutMs: 30000, maxBatchSize: 8, maxBatchDelayMs: 2, state: 'ready', reason: null, createdAt: now, updatedAt: now,
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
      assert.equal(await page.textContent('#consume-key-scoring-uri'), `${BASE_URL}/score`);
      // LangChain takes only a /score path: the key names the endpoint there; the type goes in as a string.
      assert.ok(langchain.includes(`endpoint_url="${BASE_URL}/score"`), langchain);
      assert.ok(langchain.includes('endpoint_api_type="dedicated"'), langchain);
      assert.ok(!langchain.includes('http_client.endpoint_url'), langchain);
      assert.equal(await page.isVisible('#consume-no-openai'), false);
      await screenshot(page, '66-endpoint-consume-openai');
    }));
});

describe('metrics, the mirror and changing a deployment', () => {
  let canaryKey;

  test('the Metrics tab: zeros and dashes for a new endpoint, the window refetches, a call counted within seconds, asked only while shown',
    () => withPage(browser, async page => {
      const alpha = await modelNamed(page, 'alpha-sentiment');
      const made = await api(page, 'POST', '/endpoints', { name: 'ui-canary', authMode: 'key' });
      canaryKey = made.keys.primaryKey;
      await api(page, 'POST', '/endpoints/ui-canary/deployments', { name: 'blue', modelId: alpha.id, versionNumber: 2 });
      const asked = [];
      page.on('request', r => {
        if (r.url().includes('/api/v1/endpoints/ui-canary/metrics')) asked.push(new URL(r.url()).search);
      });
      await page.goto(`${BASE_URL}/#/endpoints/ui-canary`);
      await page.waitForSelector('#endpoint-name');
      assert.equal(asked.length, 0, 'nothing asked before the tab is shown');

      await page.click('#tab-metrics');
      await page.waitForSelector('#metrics tbody tr[data-deployment="blue"]');
      assert.deepEqual(asked, ['?minutes=15']);
      assert.equal(await page.inputValue('#metrics-window'), '15');
      assert.match(await page.textContent('#metrics-updated'), /Last 15 minutes/);
      assert.deepEqual(await metricsCells(page, 'blue'),
        { requests: '0', rate: '0', p50: '—', p99: '—', errors: '0', throttled: '0', mirrored: '0' });
      assert.deepEqual(await page.locator('#metrics thead th').allTextContents(),
        ['Deployment', 'Requests', 'Requests/s', 'p50', 'p99', 'Errors', '429s', 'Mirrored copies']);
      assert.equal(await page.locator('#metrics-chart-requests polyline[data-series="blue"]').count(), 1);
      assert.equal(await page.locator('#metrics-chart-p99').count(), 0);
      assert.match(await page.textContent('#metrics-no-latency'), /no call was measured/);

      // Another window asks at once.
      await page.selectOption('#metrics-window', '60');
      await eventually(async () => assert.ok(asked.includes('?minutes=60'), asked.join(' ')));
      await eventually(async () => assert.match(await page.textContent('#metrics-updated'), /Last hour/));
      await page.selectOption('#metrics-window', '1440');
      await eventually(async () => assert.match(await page.textContent('#metrics-updated'), /Last 24 hours/));
      assert.ok(asked.includes('?minutes=1440'));
      assert.equal(await metricsRow(page, 'blue').locator('.metric-requests').textContent(), '0');

      // A call (503: no runner) is counted as a request and an error, with its latency, while the tab asks again.
      assert.equal(await score(`${BASE_URL}/endpoints/ui-canary/score`, canaryKey), 503);
      await eventually(async () => {
        const cells = await metricsCells(page, 'blue');
        assert.equal(cells.requests, '1');
        assert.equal(cells.errors, '1');
        assert.match(cells.p50, /^\d+ ms$/);
        assert.match(cells.p99, /^\d+ ms$/);
      });
      assert.equal(await page.locator('#metrics-chart-p99 polyline[data-series="blue"]').count(), 1);
      assert.ok(asked.slice(3).every(q => q === '?minutes=1440'), asked.join(' '));
      await screenshot(page, '68-endpoint-metrics');

      // Another tab: no more asking.
      await page.click('#tab-deployments');
      const before = asked.length;
      await page.waitForTimeout(6000);
      assert.equal(asked.length, before, 'no metrics asked while another tab is shown');
    }, { allowedConsoleErrors: EXPECTED }));

  test('mirrors a share of the calls: 60% is refused beside the field, 10% shows, a mirrored deployment cannot be deleted, {} stops it',
    () => withPage(browser, async page => {
      const alpha = await modelNamed(page, 'alpha-sentiment');
      await api(page, 'POST', '/endpoints/ui-canary/deployments', { name: 'green', modelId: alpha.id, versionNumber: 1 });
      await page.goto(`${BASE_URL}/#/endpoints/ui-canary`);
      await page.waitForSelector('#mirror-form');
      assert.equal(await page.textContent('#endpoint-mirror'), 'none');
      assert.equal(await page.textContent('#mirror-current'), 'Now: no calls are mirrored.');
      assert.deepEqual(await page.locator('#mirror-deployment option').evaluateAll(o => o.map(x => x.value)), ['', 'blue', 'green']);
      assert.equal(await page.inputValue('#mirror-deployment'), '');
      assert.equal(await page.isDisabled('#mirror-percent'), true);

      await page.selectOption('#mirror-deployment', 'green');
      await page.fill('#mirror-percent', '60');
      await page.click('#mirror-save');
      await eventually(async () => assert.match(await page.textContent('#mirror-percent-error'), /percentage from 0 to 50/));
      assert.equal(await page.getAttribute('#mirror-percent', 'aria-invalid'), 'true');
      assert.equal(await page.textContent('#endpoint-mirror'), 'none');
      await screenshot(page, '69-mirror-error');
      // A refresh keeps the reader's choice (the page asks every 2 seconds while a deployment is creating).
      await page.waitForTimeout(2500);
      assert.equal(await page.inputValue('#mirror-deployment'), 'green');
      assert.equal(await page.inputValue('#mirror-percent'), '60');

      await page.fill('#mirror-percent', '10');
      await page.press('#mirror-percent', 'Enter');
      await eventually(async () => assert.equal(await page.textContent('#mirror-status'), 'Mirror saved.'));
      assert.equal(await page.isVisible('#mirror-percent-error'), false);
      assert.equal(await page.getAttribute('#mirror-percent', 'aria-invalid'), null);
      assert.equal(await page.textContent('#endpoint-mirror'), 'green 10%');
      assert.match(await page.textContent('#mirror-current'), /10% of the calls .* copied to green/);
      assert.equal(await page.textContent('#endpoint-traffic'), 'blue 100%', 'the traffic is unchanged');
      assert.deepEqual((await api(page, 'GET', '/endpoints/ui-canary')).mirror, { green: 10 });
      await page.reload();
      await page.waitForSelector('#mirror-form');
      assert.equal(await page.inputValue('#mirror-deployment'), 'green');
      assert.equal(await page.inputValue('#mirror-percent'), '10');
      await screenshot(page, '70-mirror');

      // Green receives the mirror: the service refuses to delete it, and says how to stop the mirror.
      await row(page, 'green').getByRole('button', { name: 'Delete deployment green' }).click();
      await page.click('#delete-deployment-dialog-confirm');
      await eventually(async () => assert.match(await page.textContent('#deployments-message'), /receives mirrored calls/));
      assert.equal(await row(page, 'green').count(), 1);

      await page.selectOption('#mirror-deployment', '');
      assert.equal(await page.isDisabled('#mirror-percent'), true);
      await page.click('#mirror-save');
      await eventually(async () => assert.equal(await page.textContent('#mirror-status'), 'Mirror stopped.'));
      assert.equal(await page.textContent('#endpoint-mirror'), 'none');
      assert.deepEqual((await api(page, 'GET', '/endpoints/ui-canary')).mirror, {});
    }, { allowedConsoleErrors: EXPECTED }));

  test('changes a deployment: the Edit form lists the model’s versions, shows field errors and sends a PATCH of what changed',
    () => withPage(browser, async page => {
      await page.goto(`${BASE_URL}/#/endpoints/ui-canary`);
      await page.waitForSelector('#deployments tbody tr[data-deployment="blue"]');
      const edit = row(page, 'blue').getByRole('button', { name: 'Edit deployment blue' });
      await edit.click();
      await page.waitForSelector('#edit-deployment-dialog');
      assert.equal(await page.textContent('#edit-deployment-dialog-heading'), 'Change deployment blue');
      await eventually(async () => assert.equal(await page.isDisabled('#edit-version'), false));
      assert.deepEqual(await page.locator('#edit-version option').evaluateAll(o => o.map(x => [x.value, x.textContent])),
        [['2', 'v2 (current)'], ['1', 'v1']]);
      assert.equal(await page.inputValue('#edit-version'), '2');
      assert.equal(await page.inputValue('#edit-instances'), '1');
      assert.equal(await page.inputValue('#edit-cpu-cores'), '0');
      assert.equal(await page.inputValue('#edit-max-concurrent'), '4');
      assert.equal(await page.inputValue('#edit-timeout'), '5000');
      assert.equal(await page.inputValue('#edit-batch-size'), '8');

      // Nothing changed: nothing sent.
      await page.click('#edit-deployment-save');
      assert.match(await page.textContent('#edit-deployment-unchanged'), /Nothing changed/);
      // A timeout under 100 ms: the API's message beside the field, the dialog stays.
      await page.fill('#edit-timeout', '50');
      await page.click('#edit-deployment-save');
      await eventually(async () => assert.match(await page.textContent('#edit-timeout-error'), /100/));
      assert.equal(await page.getAttribute('#edit-timeout', 'aria-invalid'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'edit-timeout');
      await screenshot(page, '71-edit-deployment-error');

      await page.selectOption('#edit-version', '1');
      await page.fill('#edit-instances', '2');
      await page.fill('#edit-cpu-cores', '2');
      await page.fill('#edit-timeout', '8000');
      const patch = page.waitForRequest(r => r.method() === 'PATCH');
      await page.click('#edit-deployment-save');
      const sent = await patch;
      assert.match(sent.url(), /\/api\/v1\/endpoints\/ui-canary\/deployments\/blue$/);
      assert.deepEqual(sent.postDataJSON(), { versionNumber: 1, instanceCount: 2, cpuCores: 2, requestTimeoutMs: 8000 });
      await eventually(async () => assert.equal(await page.locator('#edit-deployment-dialog').count(), 0));
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Edit deployment blue');
      assert.match(await page.textContent('#deployments-status'), /blue moves to v1: v2 answers until the new instances are ready/);
      const blue = row(page, 'blue');
      await eventually(async () => assert.equal(await blue.locator('.deployment-version').textContent(), 'v1'));
      assert.match(await blue.locator('.deployment-instances').textContent(), /2 × CPU · 2 CPU cores each.*4 concurrent requests each · 8000 ms timeout/s);
      // No runner: the new instances cannot be placed, and the state says so.
      assert.ok(['creating', 'updating'].includes(await blue.getAttribute('data-state')));
      assert.match(await blue.locator('.deployment-reason').textContent(),
        /waiting for a live runner with 2 CPU core\(s\) that no instance reserves to place 2 of 2 instance/);
      assert.equal(await page.isVisible('#endpoint-live'), true);
      const stored = (await api(page, 'GET', '/endpoints/ui-canary')).deployments.find(d => d.name === 'blue');
      assert.equal(stored.versionNumber, 1);
      assert.equal(stored.instanceCount, 2);
      assert.equal(stored.cpuCores, 2);
      assert.equal(stored.requestTimeoutMs, 8000);
      await screenshot(page, '72-edit-deployment');
    }, { allowedConsoleErrors: EXPECTED }));

  test('shows an updating deployment with each instance’s version, the metrics’ percentiles and charts, and the Logs tab following a deployment’s log (stubbed endpoint)',
    () => withPage(browser, async page => {
      const now = new Date();
      const minute = ago => new Date(Math.floor(now.getTime() / 60000) * 60000 - ago * 60000).toISOString();
      const endpoint = { name: 'ui-rollout', description: '', authMode: 'key', scoringUri: `${BASE_URL}/endpoints/ui-rollout/score`,
        openaiBaseUrl: `${BASE_URL}/endpoints/ui-rollout/v1`, traffic: { blue: 100 }, mirror: { green: 20 }, createdBy: 'ui-admin',
        createdAt: now.toISOString(), updatedAt: now.toISOString(), deployments: ['blue', 'green'].map(name => ({ name,
          modelId: '00000000-0000-4000-8000-0000000000c1', modelName: 'alpha-sentiment', versionNumber: 2, task: 'text-classification',
          instanceCount: 1, device: 'cpu', maxConcurrentRequestsPerInstance: 4, requestTimeoutMs: 5000,
          state: name === 'blue' ? 'updating' : 'ready',
          reason: name === 'blue' ? '0 of 1 instance(s) ready; the others are loading the model; the instances of the previous version answer until then' : null,
          createdAt: now.toISOString(), updatedAt: now.toISOString(),
          instances: name === 'blue'
            ? [{ id: '00000000-0000-4000-8000-0000000000c2', worker: 'runner-a', versionNumber: 1, state: 'ready', reason: null },
              { id: '00000000-0000-4000-8000-0000000000c3', worker: 'runner-b', versionNumber: 2, state: 'loading', reason: null }]
            : [{ id: '00000000-0000-4000-8000-0000000000c4', worker: 'runner-a', versionNumber: 2, state: 'ready', reason: null }] })) };
      const metrics = { endpoint: 'ui-rollout', minutes: 15, deployments: [
        { name: 'blue', requests: 120, requestsPerSecond: 120 / 900, errors: 2, throttled: 3, mirrored: 0, p50Ms: 20, p99Ms: null,
          series: [{ minute: minute(2), requests: 70, errors: 2, throttled: 3, mirrored: 0, p50Ms: 20, p99Ms: null },
            { minute: minute(1), requests: 50, errors: 0, throttled: 0, mirrored: 0, p50Ms: 10, p99Ms: 500 }] },
        { name: 'green', requests: 4, requestsPerSecond: 4 / 900, errors: 0, throttled: 4, mirrored: 0, p50Ms: null, p99Ms: null,
          series: [{ minute: minute(1), requests: 4, errors: 0, throttled: 4, mirrored: 0, p50Ms: null, p99Ms: null }] }] };
      await page.route('**/api/v1/endpoints/ui-rollout', route => route.fulfill({ contentType: 'application/json', body: JSON.stringify(endpoint) }));
      await page.route(url => url.pathname.endsWith('/api/v1/endpoints/ui-rollout/metrics'),
        route => route.fulfill({ contentType: 'application/json', body: JSON.stringify(metrics) }));
      await page.goto(`${BASE_URL}/#/endpoints/ui-rollout`);
      await page.waitForSelector('#endpoint-name');
      const blue = row(page, 'blue');
      assert.equal(await blue.getAttribute('data-state'), 'updating');
      assert.equal(await blue.locator('.badge.deployment-state').textContent(), 'Updating');
      assert.match(await blue.locator('.deployment-reason').textContent(), /previous version answer until then/);
      assert.equal(await blue.locator('.deployment-version').textContent(), 'v2');
      assert.equal(await blue.locator('.deployment-previous').textContent(), 'v1 answers until it is ready');
      assert.deepEqual(await blue.locator('.deployment-instance').allTextContents(), ['runner-a: ready · v1', 'runner-b: loading · v2']);
      assert.equal(await row(page, 'green').locator('.deployment-previous').count(), 0);
      assert.equal(await page.isVisible('#endpoint-live'), true, 'the page asks again while it updates');
      assert.equal(await page.textContent('#endpoint-mirror'), 'green 20%');
      await screenshot(page, '73-deployment-updating');

      await page.click('#tab-metrics');
      await page.waitForSelector('#metrics tbody tr[data-deployment="green"]');
      assert.deepEqual(await metricsCells(page, 'blue'),
        { requests: '120', rate: '0.13', p50: '20 ms', p99: '> 10 s', errors: '2', throttled: '3', mirrored: '0' });
      // Only 429s: no latency was measured.
      assert.deepEqual(await metricsCells(page, 'green'),
        { requests: '4', rate: '< 0.01', p50: '—', p99: '—', errors: '0', throttled: '4', mirrored: '0' });
      assert.equal(await page.locator('#metrics-chart-requests polyline').count(), 2);
      assert.equal(await page.locator('#metrics-chart-p99 polyline[data-series="blue"]').count(), 1);
      assert.equal(await page.locator('#metrics-chart-p99 polyline[data-series="green"]').count(), 0);
      assert.deepEqual(await page.locator('#metrics-chart-requests .chart-legend li').allTextContents(), ['blue', 'green']);
      await screenshot(page, '74-endpoint-metrics-stubbed');

      // Logs: the newest lines of the chosen deployment, then only those after the last one shown.
      const logRequests = [];
      await page.route(url => /\/api\/v1\/endpoints\/ui-rollout\/deployments\/[^/]+\/logs$/.test(url.pathname), route => {
        const url = new URL(route.request().url());
        const deployment = url.pathname.split('/').at(-2);
        const after = url.searchParams.get('after');
        logRequests.push(`${deployment}?${after ?? ''}`);
        const line = (id, ago, level, message) => ({ id, at: minute(ago), level, instance: '00000000-0000-4000-8000-0000000000c3',
          worker: 'runner-b', message });
        const lines = deployment !== 'blue' ? []
          : after === null ? [line(6, 2, 'INFO', 'Placed on runner runner-b'),
            line(7, 1, 'ERROR', 'Failed: could not load the model on runner-b: out of memory')]
            : after === '7' ? [line(9, 0, 'WARN', 'Removed: runner runner-b stopped sending heartbeats')] : [];
        const lastId = lines.length ? lines.at(-1).id : Number(after ?? 0);
        route.fulfill({ contentType: 'application/json', body: JSON.stringify({ endpoint: 'ui-rollout', deployment, lines, lastId }) });
      });
      await page.click('#tab-logs');
      await page.waitForSelector('#logs li[data-id="7"]');
      assert.equal(await page.inputValue('#logs-deployment'), 'blue');
      assert.deepEqual(await page.locator('#logs .log-level').allTextContents(), ['INFO', 'ERROR']);
      assert.match(await page.textContent('#logs li[data-id="7"] .log-message'), /out of memory/);
      await eventually(async () => assert.equal(await page.locator('#logs li').count(), 3));
      assert.deepEqual(logRequests.slice(0, 2), ['blue?', 'blue?7']);
      await screenshot(page, '75-endpoint-logs-stubbed');
      await page.selectOption('#logs-deployment', 'green');
      await page.waitForSelector('#logs-empty', { state: 'visible' });
      assert.equal(await page.locator('#logs li').count(), 0);
      assert.ok(logRequests.includes('green?'), logRequests.join());
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
    assert.equal(await page.locator('#mirror-form').count(), 0);
    assert.equal(await page.textContent('#endpoint-mirror'), 'none');
    await page.click('#tab-metrics');
    await page.waitForSelector('#metrics tbody tr[data-deployment="blue"]');
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

  test('call a summarization or translation deployment with its example and OpenAI completions, not LangChain', () => {
    assert.deepEqual(exampleRequest('translation'), { inputs: ['The house is wonderful.'], parameters: { max_new_tokens: 60 } });
    assert.deepEqual(exampleRequest('summarization').parameters, { max_new_tokens: 60, num_beams: 4 });
    const endpoint = { authMode: 'key', scoringUri: 'http://h/endpoints/news/score', openaiBaseUrl: 'http://h/endpoints/news/v1',
      keyScoringUri: 'http://h/score', deployments: [{ name: 'tiny-t5', task: 'summarization' }] };
    const list = snippets(endpoint, endpoint.deployments[0]);
    assert.deepEqual(list.map(s => s.id), ['curl', 'python', 'openai']);
    assert.match(list[0].code, /"summarization"|num_beams/);
    const openai = list.find(s => s.id === 'openai').code;
    assert.match(openai, /client\.completions\.create\(model="tiny-t5", prompt="The tower/);
    assert.doesNotMatch(openai, /stream=True|chat\.completions/);
  });
});

describe('the metrics and the Edit form', () => {
  test('write latencies and rates as the reader reads them', () => {
    assert.equal(latencyText(20, 5), '20 ms');
    assert.equal(latencyText(null, 5), '> 10 s');
    assert.equal(latencyText(null, 0), '—');
    assert.equal(measuredCalls({ requests: 4, throttled: 4, mirrored: 0 }), 0);
    assert.equal(measuredCalls({ requests: 4, throttled: 1, mirrored: 2 }), 5);
    assert.equal(rateText(0), '0');
    assert.equal(rateText(0.004), '< 0.01');
    assert.equal(rateText(0.1333), '0.13');
    assert.equal(rateText(12.34), '12.3');
  });

  test('chart every minute of the window, 0 where nothing was recorded, leaving out null values', () => {
    const now = Date.UTC(2026, 0, 1, 12, 30, 20);
    const series = [{ minute: '2026-01-01T12:28:00Z', requests: 7, p99Ms: null }, { minute: '2026-01-01T12:30:00Z', requests: 3, p99Ms: 50 }];
    const requests = minutePoints(series, 5, m => m.requests, { now });
    const at = iso => Date.parse(iso) / 60000;
    assert.deepEqual(requests, [{ x: at('2026-01-01T12:26:00Z'), y: 0 }, { x: at('2026-01-01T12:27:00Z'), y: 0 },
      { x: at('2026-01-01T12:28:00Z'), y: 7 }, { x: at('2026-01-01T12:29:00Z'), y: 0 }, { x: at('2026-01-01T12:30:00Z'), y: 3 }]);
    assert.deepEqual(minutePoints(series, 5, m => m.p99Ms, { missing: null, now }), [{ x: at('2026-01-01T12:30:00Z'), y: 50 }]);
  });

  test('send only what changed', () => {
    const deployment = { versionNumber: 2, instanceCount: 1, maxConcurrentRequestsPerInstance: 4, requestTimeoutMs: 5000 };
    assert.deepEqual(deploymentChanges(deployment, { versionNumber: '2', instanceCount: '1', maxConcurrentRequestsPerInstance: '4',
      requestTimeoutMs: '5000' }), {});
    assert.deepEqual(deploymentChanges(deployment, { versionNumber: '1', instanceCount: ' 3 ', maxConcurrentRequestsPerInstance: '',
      requestTimeoutMs: '5000' }), { versionNumber: 1, instanceCount: 3 });
    // No cores in the deployment (reserving none) and 0 in the form: unchanged; 2: sent.
    assert.deepEqual(deploymentChanges(deployment, { cpuCores: '0' }), {});
    assert.deepEqual(deploymentChanges({ ...deployment, cpuCores: 2 }, { cpuCores: '2', instanceCount: '1' }), {});
    assert.deepEqual(deploymentChanges(deployment, { cpuCores: '2' }), { cpuCores: 2 });
  });
});
