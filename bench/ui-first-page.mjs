// Web UI first page: time from navigation to the catalog grid showing its first cards, in Debian's
// headless Chromium (no browser download), for a signed-in user (the session cookie is set first, as
// a returning user has it). Start the system first (./modelcat), then:
//   MODELCAT_UI_USERNAME=admin MODELCAT_UI_PASSWORD=... node bench/ui-first-page.mjs [base URL, default http://localhost:8080]
// Needs ui-tests' packages: npm ci --prefix ui-tests.
import { createRequire } from 'node:module';
const require = createRequire(new URL('../ui-tests/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const BASE = process.argv[2] ?? 'http://localhost:8080';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
for (let i = 0; i < 4; i++) {
  const context = await browser.newContext();
  const signIn = await context.request.post(`${BASE}/api/v1/auth/login`,
    { data: { username: process.env.MODELCAT_UI_USERNAME ?? 'admin', password: process.env.MODELCAT_UI_PASSWORD } });
  if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()} ${await signIn.text()}`);
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(`${BASE}/`);
  await page.waitForSelector('#grid .card-title a');
  const ms = Date.now() - t0;
  const nav = await page.evaluate(() => JSON.stringify(performance.getEntriesByType('navigation')[0].toJSON()));
  const n = JSON.parse(nav);
  console.log(`run ${i + 1}: grid shown after ${ms} ms (DOMContentLoaded ${Math.round(n.domContentLoadedEventEnd)} ms, load ${Math.round(n.loadEventEnd)} ms)`);
  await context.close();
}
await browser.close();
