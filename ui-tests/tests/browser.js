// Headless Chromium for the UI tests: the system's browser, never a downloaded one.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BASE_URL = (process.env.MODELCAT_BASE_URL || 'http://localhost:8080').replace(/\/+$/, '');
const CHROMIUM = process.env.MODELCAT_CHROMIUM || '/usr/bin/chromium';
const SCREENSHOTS = process.env.MODELCAT_SCREENSHOTS || path.join(os.tmpdir(), 'modelcat-ui-screenshots');
// Generous: the tests share a small machine with other builds.
export const TIMEOUT_MS = Number(process.env.MODELCAT_UI_TIMEOUT_MS || 30000);

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** The account the tests browse as (MODELCAT_UI_USERNAME and MODELCAT_UI_PASSWORD), signed in through the API. */
export const USER = { username: process.env.MODELCAT_UI_USERNAME, password: process.env.MODELCAT_UI_PASSWORD };

/** Signs a browser context in as `account` ({ username, password }): the session cookie goes into its jar. */
export async function signIn(context, account) {
  const response = await context.request.post(`${BASE_URL}/api/v1/auth/login`, { data: account });
  assert.equal(response.status(), 200, `sign-in of ${account.username} failed: ${await response.text()}`);
}

/**
 * A new page at a laptop's size that records console errors, uncaught exceptions and dialogs
 * (an XSS payload would open one), so each test can assert there were none. It is signed in as
 * `as` (default USER; null for a visitor who must sign in).
 */
export async function openPage(browser, { as = USER } = {}) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  if (as?.username) await signIn(context, as);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  const problems = { consoleErrors: [], pageErrors: [], dialogs: [] };
  page.on('console', message => {
    if (message.type() === 'error') problems.consoleErrors.push(message.text());
  });
  page.on('pageerror', error => problems.pageErrors.push(String(error)));
  page.on('dialog', dialog => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  return { context, page, problems };
}

/** Retries an assertion until it passes or the time is up, then throws its last failure. */
export async function eventually(assertion, timeoutMs = TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Runs a test body in a fresh page (signed in as `as`) and fails on console errors (but those matching
 * `allowedConsoleErrors`, such as an expected HTTP 400), uncaught exceptions and dialogs.
 */
export async function withPage(browser, body, { allowedConsoleErrors = [], as = USER } = {}) {
  const { context, page, problems } = await openPage(browser, { as });
  try {
    await body(page);
  } finally {
    await context.close();
  }
  const unexpected = problems.consoleErrors.filter(text => !allowedConsoleErrors.some(pattern => pattern.test(text)));
  assert.deepEqual(unexpected, [], 'console errors');
  assert.deepEqual(problems.pageErrors, [], 'uncaught exceptions');
  assert.deepEqual(problems.dialogs, [], 'dialogs');
}

/** The catalog model called `name`, read through the API with the page's session. */
export async function modelNamed(page, name) {
  const answer = await page.request.get(`${BASE_URL}/api/v1/models?q=${encodeURIComponent(name)}`);
  const model = (await answer.json()).items.find(m => m.name === name);
  assert.ok(model, `${name} is in the catalog`);
  return model;
}
