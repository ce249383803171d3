// Browser tests of moving models between sites against a catalog-service (MODELCAT_BASE_URL): a model uploaded
// through the "Upload a model" dialog (MODELCAT_UI_MODEL_ARCHIVE) is exported with its page's "Export for another
// site" link, and the archive goes back in through the catalog page's "Import a catalog archive" dialog: a refusal by
// its field first, then the import, which finds the model's version here already.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, eventually, launchBrowser, screenshot, withPage } from '../tests/browser.js';

const ARCHIVE = process.env.MODELCAT_UI_MODEL_ARCHIVE;
const HTTP_400 = [/status of 400/];

let browser;
before(async () => {
  assert.ok(ARCHIVE, 'MODELCAT_UI_MODEL_ARCHIVE is set');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

describe('catalog export and import', () => {
  test('a model page exports an archive that the catalog page imports', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/`);
    await page.click('#open-upload');
    await page.fill('#upload-name', 'ui/carried-bert');
    await page.setInputFiles('#upload-file', ARCHIVE);
    await page.click('#upload-submit');
    await eventually(async () => assert.match(await page.textContent('#upload-outcome'), /Uploaded as version v1/));
    await page.click('#upload-model-link');

    const link = page.locator('#catalog-export-link');
    await link.waitFor();
    assert.equal(await link.textContent(), 'Export for another site');
    const exported = await page.request.get(new URL(await link.getAttribute('href'), page.url()).href);
    assert.equal(exported.status(), 200);
    assert.match(exported.headers()['content-disposition'], /attachment; filename="modelcat-catalog-\d{8}-\d{6}\.zip"/);
    const archive = await exported.body();
    assert.equal(archive.subarray(0, 2).toString('latin1'), 'PK');

    await page.goto(`${BASE_URL}/`);
    await page.click('#open-catalog-import');
    await page.waitForSelector('#catalog-import-dialog[open]');
    await page.click('#catalog-import-submit');
    assert.match(await page.textContent('#catalog-import-file-error'), /Choose the \.zip of a catalog export/);
    await page.setInputFiles('#catalog-import-file', { name: 'model.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip') });
    await page.click('#catalog-import-submit');
    await eventually(async () => assert.match(await page.textContent('#catalog-import-file-error'), /not a zip archive/));
    assert.equal(await page.getAttribute('#catalog-import-file', 'aria-invalid'), 'true');

    await page.setInputFiles('#catalog-import-file', { name: 'catalog.zip', mimeType: 'application/zip', buffer: archive });
    await page.click('#catalog-import-submit');
    await eventually(async () => assert.match(await page.textContent('#catalog-import-outcome'),
      /Nothing new: the archive's 1 version is here already/));
    assert.match(await page.textContent('#catalog-import-models'), /carried-bert existing model: v1 here already/);
    await screenshot(page, '31-catalog-import-done');
    await page.click('#catalog-import-models a');
    // The model's own page (the catalog's grid behind the dialog names the model too, so its name alone does not
    // tell that the link was followed), and the dialog gone with the page it was opened on.
    await page.locator('#catalog-export-link').waitFor();
    assert.match(await page.textContent('main'), /carried-bert/);
    await eventually(async () => assert.equal(await page.locator('#catalog-import-dialog').count(), 0));
  }, { allowedConsoleErrors: HTTP_400 }));
});
