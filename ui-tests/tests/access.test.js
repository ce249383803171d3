// Browser tests of signing in and out, what each role is offered, the Account page (personal API
// tokens) and the Admin pages (accounts, runner tokens, audit log, LLM connections), against catalog-service alone.
//
// They expect the accounts that io.modelcat.catalog.ui.CatalogUiTest creates: an admin
// (MODELCAT_UI_USERNAME / MODELCAT_UI_PASSWORD) and a viewer (MODELCAT_UI_VIEWER_USERNAME /
// MODELCAT_UI_VIEWER_PASSWORD), and the card alpha-sentiment with files. They add accounts and
// tokens, never cards or jobs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, eventually, launchBrowser, screenshot, withPage } from './browser.js';

const VIEWER = { username: process.env.MODELCAT_UI_VIEWER_USERNAME, password: process.env.MODELCAT_UI_VIEWER_PASSWORD };
// The browser logs each refused call (401 before signing in, 403 for a viewer) as a console error.
const REFUSED = [/status of 40[13]/];

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

describe('signing in', () => {
  test('a visitor sees only the sign-in form, is told a wrong password, then lands where they were going',
    () => withPage(browser, async page => {
      await page.goto(`${BASE_URL}/#/jobs`);
      await page.waitForSelector('#login-form');
      assert.equal(await page.title(), 'Sign in · ModelCat');
      assert.equal(await page.isVisible('#user-menu'), false);
      assert.equal(await page.locator('#jobs').count(), 0, 'no page behind the sign-in');
      await screenshot(page, '30-sign-in');

      await page.fill('#login-username', VIEWER.username);
      await page.fill('#login-password', 'not the password');
      await page.click('#login-submit');
      await eventually(async () => assert.match(await page.textContent('#login-message'), /username or password is wrong/));
      assert.equal(await page.inputValue('#login-password'), '', 'the wrong password is cleared');

      await page.fill('#login-password', VIEWER.password);
      await page.click('#login-submit');
      await page.waitForSelector('#jobs-heading');
      assert.match(page.url(), /#\/jobs$/);
      assert.match(await page.textContent('#user-link'), new RegExp(`${VIEWER.username}.*viewer`));

      await page.click('#sign-out');
      await page.waitForSelector('#login-form');
      assert.match(await page.textContent('#login-reason'), /signed out/);
      // The session is over on the server too: going back does not show data.
      await page.goto(`${BASE_URL}/#/`);
      await page.waitForSelector('#login-form');
    }, { as: null, allowedConsoleErrors: REFUSED }));
});

describe('a viewer', () => {
  test('browses the catalog but is offered no changes and no data rows', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/`);
    await page.waitForSelector('#grid .card');
    assert.equal(await page.locator('#open-import').count(), 0, 'no import for viewers');
    assert.equal(await page.isVisible('#nav-admin'), false);

    await page.locator('#grid .card', { hasText: 'alpha-sentiment' }).locator('.card-title a').click();
    await page.waitForSelector('#versions');
    for (const id of ['#evaluate-model', '#finetune-model']) {
      assert.equal(await page.getAttribute(id, 'aria-disabled'), 'true');
      assert.match(await page.getAttribute(id, 'title'), /contributor role/);
    }
    assert.match(await page.textContent('#tryit-role'), /contributor role/);
    assert.equal(await page.locator('.export-link').count(), 0, 'no weights download for viewers');
    await screenshot(page, '31-viewer-model');

    await page.goto(`${BASE_URL}/#/admin`);
    await eventually(async () => assert.match(await page.textContent('main'), /Admins only/));
  }, { as: VIEWER, allowedConsoleErrors: REFUSED }));
});

describe('the account page', () => {
  test('makes a personal API token, shows it once, and revokes it', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/account`);
    await page.waitForSelector('#token-form');
    assert.equal(await page.textContent('#account-role'), 'admin');
    await page.fill('#token-name', 'ui notebook');
    await page.fill('#token-days', '7');
    await page.click('#token-create');
    await page.waitForSelector('#new-token-value');
    const token = await page.inputValue('#new-token-value');
    assert.match(token, /^mc_pat_/);
    const row = page.locator('#api-tokens tbody tr', { hasText: 'ui notebook' });
    await eventually(async () => assert.equal(await row.getAttribute('data-state'), 'active'));
    assert.equal((await page.textContent('#api-tokens')).includes(token), false, 'the table shows only the prefix');
    await screenshot(page, '32-account-token');

    const works = await page.request.get(`${BASE_URL}/api/v1/models`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(works.status(), 200);
    await row.locator('button', { hasText: 'Revoke' }).click();
    await eventually(async () => assert.equal(await row.getAttribute('data-state'), 'revoked'));
    const refused = await page.request.get(`${BASE_URL}/api/v1/models`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(refused.status(), 401);
  }));
});

describe('the admin pages', () => {
  test('create an account, issue and revoke a runner token, and show both in the audit log', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/admin`);
    await page.waitForSelector('#users tbody tr');
    assert.equal(await page.isVisible('#nav-admin'), true);
    const name = `ui-made-${Date.now()}`;
    await page.fill('#new-user-name', name);
    await page.selectOption('#new-user-role', 'viewer');
    await page.fill('#new-user-password', 'short');
    await page.click('#new-user-submit');
    await eventually(async () => assert.match(await page.textContent('#new-user-message'), /at least 12 characters/));
    await page.fill('#new-user-password', 'a long enough password');
    await page.click('#new-user-submit');
    await page.waitForSelector('#new-user-created');
    await page.waitForSelector(`#users tr[data-username="${name}"]`);

    await page.fill('#runner-token-name', 'ui-box');
    await page.click('#runner-token-create');
    await page.waitForSelector('#new-runner-token-value');
    assert.match(await page.inputValue('#new-runner-token-value'), /^mc_run_/);
    const runnerRow = page.locator('#runner-tokens tbody tr', { hasText: 'ui-box' });
    await runnerRow.locator('button', { hasText: 'Revoke' }).click();
    await eventually(async () => assert.equal(await runnerRow.getAttribute('data-state'), 'revoked'));
    assert.match(await page.textContent('#secrets-box'), /MODELCAT_SECRET_KEY/, 'no key configured in this test');
    await screenshot(page, '33-admin');

    await page.click('#open-audit');
    await page.waitForSelector('#audit tbody tr');
    const actions = await page.$$eval('#audit tbody tr', rows => rows.map(r => r.dataset.action));
    for (const action of ['user.create', 'runner-token.create', 'runner-token.revoke']) {
      assert.ok(actions.includes(action), `${action} in ${actions}`);
    }
    await page.fill('#audit-action', 'runner-token.');
    await page.click('#audit-filters button[type="submit"]');
    await eventually(async () => {
      const filtered = await page.$$eval('#audit tbody tr', rows => rows.map(r => r.dataset.action));
      assert.ok(filtered.length >= 2 && filtered.every(a => a.startsWith('runner-token.')), String(filtered));
    });
    assert.match(page.url(), /#\/audit\?action=runner-token\.$/);
    await screenshot(page, '34-audit');
  }, { allowedConsoleErrors: [/status of 400/] }));

  test('list, create, test and delete an LLM connection', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/admin`);
    await page.waitForSelector('#llm-form');
    await page.fill('#llm-name', 'ui-llm');
    await page.fill('#llm-models', 'small, large');
    await page.click('#llm-create');
    await eventually(async () => assert.match(await page.textContent('#llm-message'), /baseUrl/));
    await page.fill('#llm-base-url', 'http://127.0.0.1:9/v1');
    await page.click('#llm-create');
    await page.waitForSelector('#llm-created');
    const row = page.locator('#llm-connections tbody tr[data-name="ui-llm"]');
    await row.waitFor();
    assert.match(await row.textContent(), /openai-compatible.*127\.0\.0\.1:9\/v1.*small, large.*none/);
    await row.locator('button', { hasText: 'Test' }).click();
    await eventually(async () => assert.match(await row.locator('.llm-test-result').textContent(),
      /Failed: .*could not be reached/));
    await row.locator('button', { hasText: 'Delete' }).click();
    await page.waitForSelector('#llm-connections-empty');

    // An Azure OpenAI connection: the API version is asked for, then shown with the rate limit.
    await page.selectOption('#llm-kind', 'azure-openai');
    assert.equal(await page.isDisabled('#llm-endpoint'), true);
    assert.equal(await page.isDisabled('#llm-api-version'), false);
    await page.fill('#llm-name', 'ui-azure');
    await page.fill('#llm-base-url', 'http://127.0.0.1:9');
    await page.fill('#llm-models', 'gpt4o-prod');
    await page.fill('#llm-requests-per-minute', '60');
    await page.fill('#llm-prices', 'gpt-4o=2.5/10');
    await page.click('#llm-create');
    await eventually(async () => assert.match(await page.textContent('#llm-message'), /apiVersion/));
    await page.fill('#llm-api-version', '2024-10-21');
    await page.click('#llm-create');
    await eventually(async () => assert.match(await page.textContent('#llm-message'), /prices/));
    await page.fill('#llm-prices', 'gpt4o-prod=2.5/10');
    await page.click('#llm-create');
    await page.waitForSelector('#llm-created');
    const azure = page.locator('#llm-connections tbody tr[data-name="ui-azure"]');
    await azure.waitFor();
    assert.match(await azure.textContent(),
      /azure-openai.*api-version 2024-10-21.*gpt4o-prod \(\$2\.5 \/ \$10 per 1M\).*none.*8.*60/);
    // Anthropic's base URL has a default: none need be given.
    await page.selectOption('#llm-kind', 'anthropic');
    assert.equal(await page.isDisabled('#llm-api-version'), true);
    await page.fill('#llm-name', 'ui-claude');
    await page.fill('#llm-base-url', '');
    await page.fill('#llm-requests-per-minute', '');
    await page.fill('#llm-models', 'claude-sonnet-4-5');
    await page.click('#llm-create');
    const claude = page.locator('#llm-connections tbody tr[data-name="ui-claude"]');
    await claude.waitFor();
    assert.match(await claude.textContent(), /anthropic.*https:\/\/api\.anthropic\.com\/v1.*no limit/);
    await page.selectOption('#llm-kind', 'bedrock');
    assert.equal(await page.isDisabled('#llm-region'), false);
    assert.equal(await page.isDisabled('#llm-project'), true);
    assert.equal(await page.textContent('#llm-api-key-label'), 'Secret access key');
    await page.fill('#llm-name', 'ui-aws');
    await page.fill('#llm-models', 'anthropic.claude-3-5-haiku-20241022-v1:0');
    await page.click('#llm-create');
    await eventually(async () => assert.match(await page.textContent('#llm-message'), /region/));
    await page.fill('#llm-region', 'us-east-1');
    await page.fill('#llm-access-key-id', 'AKIAIOSFODNN7EXAMPLE');
    await page.click('#llm-create');
    const aws = page.locator('#llm-connections tbody tr[data-name="ui-aws"]');
    await aws.waitFor();
    assert.match(await aws.textContent(),
      /bedrock.*https:\/\/bedrock-runtime\.us-east-1\.amazonaws\.com \(us-east-1, AKIAIOSFODNN7EXAMPLE\)/);
    await page.selectOption('#llm-kind', 'vertex');
    assert.equal(await page.isDisabled('#llm-region'), true);
    assert.equal(await page.isDisabled('#llm-location'), false);
    assert.equal(await page.textContent('#llm-api-key-label'), 'Service account key (JSON)');
    await screenshot(page, '35-llm-connections');
    await azure.locator('button', { hasText: 'Delete' }).click();
    await claude.locator('button', { hasText: 'Delete' }).click();
    await aws.locator('button', { hasText: 'Delete' }).click();
    await page.waitForSelector('#llm-connections-empty');
  }, { allowedConsoleErrors: [/status of 400/] }));
});
