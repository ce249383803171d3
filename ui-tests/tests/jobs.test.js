// Browser tests of the jobs, job, workers pages and the import dialog against a catalog-service with no
// runner (MODELCAT_BASE_URL), so jobs stay queued.
//
// They expect the jobs that io.modelcat.catalog.ui.CatalogUiTest creates: 22 noop jobs with params {n: 1..22},
// submitted in that order, the first (n = 1) cancelled; and no worker.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, eventually, launchBrowser, screenshot, withPage } from './browser.js';

const JOBS = 22;
const PAGE = 20;

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const rows = page => page.locator('#jobs tbody tr');
const rowStates = page => page.$$eval('#jobs tbody tr', trs => trs.map(tr => tr.dataset.state));

async function expectRowCount(page, count) {
  await eventually(async () => assert.equal(await rows(page).count(), count));
}

describe('jobs page', () => {
  test('lists jobs newest first, pages through them and filters by state and kind', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/jobs`);
    await expectRowCount(page, PAGE);
    assert.equal(await page.title(), 'Jobs · ModelCat');
    assert.equal(await page.getAttribute('[data-nav="jobs"]', 'aria-current'), 'page');
    assert.equal(await page.getAttribute('[data-nav="catalog"]', 'aria-current'), null);
    assert.deepEqual(await rowStates(page), Array(PAGE).fill('queued'));
    assert.match(await page.textContent('#jobs-summary'), /Showing 1–20/);
    const first = rows(page).first();
    assert.equal(await first.locator('.job-kind').textContent(), 'No-op');
    assert.equal(await first.locator('.badge.job-state').textContent(), 'Queued');
    // The UI tests run no runner: a queued job says what it waits for.
    assert.equal(await first.locator('.badge.waiting-for-runner').textContent(), 'waiting for a runner');
    assert.equal(await first.locator('[role="progressbar"]').getAttribute('aria-valuenow'), '0');
    assert.equal(await page.isVisible('#jobs-live'), true, 'refreshing while jobs are queued');
    await screenshot(page, '10-jobs');

    await page.click('#jobs-next');
    await expectRowCount(page, JOBS - PAGE);
    assert.deepEqual(await rowStates(page), ['queued', 'cancelled']);
    assert.match(page.url(), /cursor=/);
    assert.equal(await page.isDisabled('#jobs-next'), true);
    await page.click('#jobs-previous');
    await expectRowCount(page, PAGE);
    assert.equal(await page.isDisabled('#jobs-previous'), true);

    await page.selectOption('#filter-state', 'cancelled');
    await expectRowCount(page, 1);
    assert.match(page.url(), /#\/jobs\?state=cancelled$/);
    assert.equal(await rows(page).first().locator('.badge.job-state').textContent(), 'Cancelled');
    await eventually(async () => assert.equal(await page.isVisible('#jobs-live'), false));

    await page.selectOption('#filter-kind', 'import');
    await expectRowCount(page, 0);
    await eventually(async () => assert.match(await page.textContent('#jobs-message'), /No jobs match these filters/));

    // Reload keeps the filters.
    await page.reload();
    await eventually(async () => assert.match(await page.textContent('#jobs-message'), /No jobs match these filters/));
    assert.equal(await page.inputValue('#filter-state'), 'cancelled');
    assert.equal(await page.inputValue('#filter-kind'), 'import');
  }));

  test('polls every 2 seconds while a job is queued, and not when none is', () => withPage(browser, async page => {
    const requests = [];
    page.on('request', request => {
      if (/\/api\/v1\/jobs\?/.test(request.url())) requests.push(request.url());
    });
    await page.goto(`${BASE_URL}/#/jobs`);
    await expectRowCount(page, PAGE);
    await eventually(async () => assert.ok(requests.length >= 3, `${requests.length} requests`), 7000);

    await page.selectOption('#filter-state', 'cancelled');
    await expectRowCount(page, 1);
    await page.waitForTimeout(500);
    const settled = requests.length;
    await page.waitForTimeout(4500);
    assert.equal(requests.length, settled, 'no refresh when no job is active');
  }));
});

describe('job page', () => {
  test('shows a queued job and cancels it after confirmation', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/jobs?state=queued`);
    await expectRowCount(page, PAGE);
    const id = await rows(page).first().getAttribute('data-job-id');
    await rows(page).first().locator('a.job-link').click();

    await eventually(async () => assert.equal(await page.textContent('h1'), 'No-op job'));
    assert.match(page.url(), new RegExp(`#/jobs/${id}$`));
    assert.equal(await page.textContent('#job-id'), id);
    assert.equal(await page.textContent('#job-header .badge.job-state'), 'Queued');
    assert.match(await page.textContent('#job-header'), /Workernone yet/);
    assert.match(await page.textContent('#job-attempts'), /^\d+ of \d+$/);
    assert.match(await page.textContent('#job-metrics'), /No metrics/);
    assert.match(await page.textContent('#job-result'), /appears when the job has finished/);
    assert.equal(await page.getAttribute('[data-nav="jobs"]', 'aria-current'), 'page');
    assert.equal(await page.isDisabled('#job-cancel'), false);
    await screenshot(page, '11-job-queued');

    // Keep it: nothing changes, and the focus goes back to the button.
    await page.click('#job-cancel');
    await eventually(async () => assert.equal(await page.isVisible('#cancel-dialog'), true));
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'keep-job');
    await page.keyboard.press('Enter');
    await eventually(async () => assert.equal(await page.locator('#cancel-dialog').count(), 0));
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'job-cancel');
    assert.equal(await page.textContent('#job-header .badge.job-state'), 'Queued');

    await page.click('#job-cancel');
    await page.click('#confirm-cancel');
    await eventually(async () => assert.equal(await page.textContent('#job-header .badge.job-state'), 'Cancelled'));
    assert.equal(await page.isDisabled('#job-cancel'), true);
    await eventually(async () => assert.match(await page.textContent('#job-outcome'), /cancelled/));
    assert.match(await page.textContent('#job-header'), /Finished/);
    await screenshot(page, '12-job-cancelled');

    // The list agrees.
    await page.click('text=← Jobs');
    await expectRowCount(page, PAGE);
    await page.selectOption('#filter-state', 'cancelled');
    await expectRowCount(page, 2);
    assert.ok(await page.locator(`#jobs tbody tr[data-job-id="${id}"]`).count() === 1);
  }));

  test('says when a job does not exist', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/#/jobs/00000000-0000-0000-0000-000000000000`);
    await eventually(async () => assert.equal(await page.textContent('h1'), 'Job not found'));
    assert.equal(await page.isVisible('.problem'), true);
  }, { allowedConsoleErrors: [/status of 404/] }));
});

describe('workers page', () => {
  test('shows that no runner is connected', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/`);
    await page.click('nav[aria-label="Main"] >> text=Workers');
    await eventually(async () => assert.equal(await page.isVisible('#workers-empty'), true));
    assert.match(await page.textContent('#workers-empty'), /No job runners are connected/);
    assert.equal(await page.textContent('#workers-summary'), 'No workers');
    assert.equal(await page.title(), 'Workers · ModelCat');
    assert.equal(await page.getAttribute('[data-nav="workers"]', 'aria-current'), 'page');
    await screenshot(page, '13-workers-empty');
  }));

  test('shows what each runner serves and the CPU cores its instances reserve (stubbed list)', () => withPage(browser, async page => {
    const now = new Date().toISOString();
    const worker = (id, served, reserved) => ({ id, host: id, cpuCores: 8, memoryBytes: 16 * 2 ** 30, gpus: [], startedAt: now,
      heartbeatAt: now, runningJobs: [], runnerToken: null, servedInstances: served, reservedCores: reserved });
    await page.route('**/api/v1/workers', route => route.fulfill({ contentType: 'application/json',
      body: JSON.stringify([worker('box-a', 2, 3), worker('box-b', 1, 0), worker('box-c', 0, 0)]) }));
    await page.goto(`${BASE_URL}/#/workers`);
    await page.waitForSelector('#workers tbody tr');
    assert.deepEqual(await page.locator('#workers .worker-serving').evaluateAll(cells => cells.map(c => c.textContent)),
      ['2 instances · 3 of 8 cores reserved', '1 instance', 'Nothing']);
  }));

  test('shows a failed refresh, recovers on the next, and stops asking when the reader leaves', () => withPage(browser, async page => {
    const requests = [];
    page.on('request', request => {
      if (/\/api\/v1\/workers$/.test(request.url())) requests.push(request.url());
    });
    let failing = true;
    await page.route('**/api/v1/workers', route => (failing
      ? route.fulfill({ status: 503, contentType: 'application/problem+json',
        body: JSON.stringify({ title: 'Service Unavailable', status: 503, detail: 'the database is not reachable' }) })
      : route.continue()));
    await page.goto(`${BASE_URL}/#/workers`);
    await eventually(async () => assert.match(await page.textContent('#workers-message'), /Service Unavailable.*not reachable/s));
    assert.equal(await page.textContent('#workers-summary'), 'The workers could not be loaded.');
    failing = false;
    // The next refresh (every 5 seconds) brings the list back without a click.
    await eventually(async () => assert.equal(await page.isVisible('#workers-empty'), true), 12000);
    assert.equal(await page.locator('#workers-message .problem').count(), 0);

    await page.click('nav[aria-label="Main"] >> text=Jobs');
    await eventually(async () => assert.equal(await page.textContent('h1'), 'Jobs'));
    const settled = requests.length;
    await page.waitForTimeout(6000);
    assert.equal(requests.length, settled, 'no refresh of a page the reader left');
  }, { allowedConsoleErrors: [/status of 503/] }));
});

describe('import dialog', () => {
  test('opens from the catalog and shows field errors beside the inputs', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/`);
    await page.click('#open-import');
    await eventually(async () => assert.equal(await page.isVisible('#import-dialog'), true));
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'import-model-id');
    assert.equal(await page.getAttribute('#import-dialog', 'aria-labelledby'), 'import-heading');

    // Empty: said at once, without a request.
    await page.keyboard.press('Enter');
    await eventually(async () => assert.match(await page.textContent('#import-model-id-error'), /Enter a MODEL_ID/));

    await page.fill('#import-model-id', '../x');
    await page.keyboard.press('Enter');
    await eventually(async () => assert.match(await page.textContent('#import-model-id-error'), /'\.\.' is not allowed/));
    assert.equal(await page.isVisible('#import-model-id-error'), true);
    assert.equal(await page.getAttribute('#import-model-id', 'aria-invalid'), 'true');
    assert.match(await page.getAttribute('#import-model-id', 'aria-describedby'), /import-model-id-error/);
    assert.equal(await page.isVisible('#import-revision-error'), false);
    await screenshot(page, '14-import-field-error');

    // Escape closes it and gives the focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await eventually(async () => assert.equal(await page.locator('#import-dialog').count(), 0));
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'open-import');
  }, { allowedConsoleErrors: [/status of 400/] }));

  test('opens from a Hub model that is not imported, filled in, and shows a revision error', () => withPage(browser, async page => {
    const id = '00000000-0000-0000-0000-0000000000aa';
    const now = new Date().toISOString();
    await page.route(`**/api/v1/models/${id}`, route => route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({ id, name: 'tiny', publisher: 'acme', description: '', task: 'fill-mask', finetuningTasks: [],
        license: 'mit', tags: [], samples: [], status: 'not_imported', versionCount: 0, createdAt: now, updatedAt: now,
        source: { type: 'huggingface', repo: 'acme/tiny', revision: 'main' } }),
    }));
    await page.route(`**/api/v1/models/${id}/versions`, route => route.fulfill({ contentType: 'application/json', body: '[]' }));
    await page.route(`**/api/v1/models/${id}/metrics`, route => route.fulfill({ contentType: 'application/json', body: '[]' }));
    await page.route('**/api/v1/imports', route => route.fulfill({
      status: 400, contentType: 'application/problem+json',
      body: JSON.stringify({ title: 'Bad Request', status: 400, detail: 'The request has invalid fields',
        errors: [{ field: 'revision', message: 'unknown revision <b>x</b>' }] }),
    }));
    await page.goto(`${BASE_URL}/#/models/${id}`);
    await eventually(async () => assert.equal(await page.textContent('h1'), 'tiny'));
    assert.equal(await page.getAttribute('#import-model', 'aria-disabled'), null);
    await page.click('#import-model');
    await eventually(async () => assert.equal(await page.inputValue('#import-model-id'), 'acme/tiny'));
    assert.equal(await page.inputValue('#import-revision'), 'main');
    await page.click('#import-submit');
    await eventually(async () => assert.equal(await page.textContent('#import-revision-error'), 'unknown revision <b>x</b>'));
    assert.equal(await page.getAttribute('#import-revision', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'import-revision');
    assert.equal(await page.isVisible('#import-model-id-error'), false);
    await page.click('#import-close');
    await eventually(async () => assert.equal(await page.locator('#import-dialog').count(), 0));
  }, { allowedConsoleErrors: [/status of 400/] }));
});

/** A job as the API gives it, with `changes` applied. */
function aJob(changes) {
  const now = new Date().toISOString();
  return { id: '00000000-0000-0000-0000-0000000000bb', kind: 'import', state: 'running', params: { repoId: 'acme/tiny', revision: 'main' },
    device: { kind: 'cpu', count: 1 }, priority: 0, progress: 0, progressDetail: {}, result: {}, attempt: 1, maxAttempts: 3,
    cancelRequested: false, submittedAt: now, startedAt: now, updatedAt: now, workerId: 'runner-1', ...changes };
}

/** A Server-Sent Events body: [name, data] pairs. */
function events(...list) {
  return list.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('');
}

const logLines = count => Array.from({ length: count }, (_, i) => ['log',
  { id: i + 1, at: new Date().toISOString(), level: i === count - 1 ? 'ERROR' : 'INFO', message: `line ${i + 1} <img src=x onerror=alert(1)>`, fields: {} }]);

describe('live job updates (stubbed stream)', () => {
  test('the import dialog follows the job to its failure and shows the error', () => withPage(browser, async page => {
    const job = aJob({});
    const progressDetail = { bytesDone: 512 * 1024, bytesTotal: 1024 * 1024, bytesPerSecond: 2048, file: 'model.safetensors' };
    await page.route('**/api/v1/imports', route => route.fulfill({ status: 202, contentType: 'application/json', body: JSON.stringify(aJob({ state: 'queued', startedAt: undefined })) }));
    await page.route(`**/api/v1/jobs/${job.id}/events`, route => route.fulfill({
      contentType: 'text/event-stream',
      body: events(
        ['job', aJob({ progress: 0.5, progressDetail })],
        ...logLines(40),
        ['job', aJob({ state: 'failed', progress: 0.5, progressDetail, error: 'SHA-256 of model.safetensors does not match', errorCause: 'java.io.IOException: digest <mismatch>' })],
        ['end', 'failed']),
    }));
    await page.goto(`${BASE_URL}/`);
    await page.click('#open-import');
    await page.fill('#import-model-id', 'acme/tiny');
    await page.keyboard.press('Enter');
    await eventually(async () => assert.match(await page.textContent('#import-error'), /SHA-256 of model.safetensors does not match/));
    assert.match(await page.textContent('#import-error'), /digest <mismatch>/);
    assert.equal(await page.textContent('#import-state .badge'), 'Failed');
    assert.equal(await page.getAttribute('#import-progress [role="progressbar"]', 'aria-valuenow'), '50');
    assert.equal(await page.textContent('#import-bytes'), '512 KiB of 1.0 MiB');
    assert.equal(await page.locator('#import-log li').count(), 40);
    assert.match(await page.textContent('#import-log li:last-child'), /ERROR\s*line 40 <img/);
    assert.equal(await page.locator('#import-log img').count(), 0);
    // Lines arriving while the reader is at the bottom keep the newest in view.
    const box = await page.$eval('#import-log', log => {
      const scroller = log.parentElement;
      return { top: scroller.scrollTop, client: scroller.clientHeight, height: scroller.scrollHeight };
    });
    assert.ok(box.height > box.client, 'the log scrolls');
    assert.ok(box.top + box.client >= box.height - 2, `scrolled to the bottom: ${JSON.stringify(box)}`);
    assert.equal(await page.locator('#import-model-link').count(), 0);
    await screenshot(page, '15-import-failed');
  }));

  test('the job page shows the error, its cause, the result and the metrics', () => withPage(browser, async page => {
    const job = aJob({ kind: 'evaluate', state: 'failed', modelId: '00000000-0000-0000-0000-0000000000aa', progress: 0.8,
      finishedAt: new Date().toISOString(), error: 'The evaluation ran out of memory', errorCause: 'java.lang.OutOfMemoryError\n\tat Trainer.step',
      result: { metrics: { accuracy: 0.91234, f1: 0.88 }, samples: 120 } });
    await page.route(`**/api/v1/jobs/${job.id}`, route => route.fulfill({ contentType: 'application/json', body: JSON.stringify(job) }));
    await page.route(`**/api/v1/jobs/${job.id}/events`, route => route.fulfill({
      contentType: 'text/event-stream', body: events(['job', job], ...logLines(3), ['end', 'failed']),
    }));
    await page.route(`**/api/v1/jobs/${job.id}/metrics`, route => route.fulfill({ contentType: 'application/json',
      body: JSON.stringify({ final: [], series: [] }) }));
    await page.route(`**/api/v1/jobs/${job.id}/predictions`, route => route.fulfill({ contentType: 'application/json', body: '[]' }));
    await page.goto(`${BASE_URL}/#/jobs/${job.id}`);
    await eventually(async () => assert.equal(await page.textContent('h1'), 'Evaluate acme/tiny'));
    await eventually(async () => assert.match(await page.textContent('#job-ml-metrics'), /recorded no metrics/));
    await eventually(async () => assert.match(await page.textContent('#job-predictions'), /recorded no sample predictions/));
    assert.match(await page.textContent('#job-error'), /The evaluation ran out of memory/);
    assert.match(await page.textContent('#job-error-cause'), /OutOfMemoryError\s+at Trainer\.step/);
    assert.equal(await page.isDisabled('#job-cancel'), true);
    assert.match(await page.textContent('#job-metrics-table'), /accuracy\s*0\.9123/);
    assert.match(await page.textContent('#job-metrics-table'), /f1\s*0\.88/);
    assert.match(await page.textContent('#job-result-list'), /samples\s*120/);
    assert.equal(await page.getAttribute('#job-model-link', 'href'), '#/models/00000000-0000-0000-0000-0000000000aa');
    await eventually(async () => assert.equal(await page.locator('#job-log li').count(), 3));
    await screenshot(page, '16-job-failed');
  }));
});
