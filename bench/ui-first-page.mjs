// Web UI first page: time from navigation to the catalog grid showing its first cards, in Debian's
// headless Chromium (no browser download). Start the system first (./modelcat), then:
//   node bench/ui-first-page.mjs [base URL, default http://localhost:8080]
// Needs ui-tests' packages: npm ci --prefix ui-tests.
import { createRequire } from 'node:module';
const require = createRequire(new URL('../ui-tests/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const BASE = process.argv[2] ?? 'http://localhost:8080';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
for (let i = 0; i < 4; i++) {
  const context = await browser.newContext();
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
