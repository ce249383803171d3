// Browser tests of the "Upload a model" dialog against a catalog-service (MODELCAT_BASE_URL): field errors in the
// browser and from the service, then a real upload of MODELCAT_UI_MODEL_ARCHIVE (a zip of a tiny BERT that
// io.modelcat.catalog.ui.CatalogUiTest writes) with its progress, its outcome and the snippet that loads it from /hub.
// It runs with ml/, after tests/, which counts the catalog's cards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, eventually, launchBrowser, screenshot, withPage } from '../tests/browser.js';

const ARCHIVE = process.env.MODELCAT_UI_MODEL_ARCHIVE;
const FOLDER = process.env.MODELCAT_UI_MODEL_FOLDER;
const HTTP_400 = [/status of 400/];

let browser;
before(async () => {
  assert.ok(ARCHIVE, 'MODELCAT_UI_MODEL_ARCHIVE is set');
  assert.ok(FOLDER, 'MODELCAT_UI_MODEL_FOLDER is set');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

describe('upload dialog', () => {
  test('says what is missing, shows the service\'s refusal by its field, then uploads', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/`);
    await page.click('#open-upload');
    await page.waitForSelector('#upload-dialog[open]');
    await page.click('#upload-submit');
    assert.match(await page.textContent('#upload-name-error'), /Enter a repository id/);
    assert.match(await page.textContent('#upload-file-error'), /Choose a \.zip or \.tar\.gz of the model folder, or the folder itself/);

    await page.fill('#upload-name', 'ui/broken');
    await page.setInputFiles('#upload-file', { name: 'broken.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip') });
    await page.click('#upload-submit');
    await eventually(async () => assert.match(await page.textContent('#upload-file-error'), /neither a zip nor a tar/));
    assert.equal(await page.getAttribute('#upload-file', 'aria-invalid'), 'true');

    await page.fill('#upload-name', 'ui/uploaded-bert');
    await page.setInputFiles('#upload-file', ARCHIVE);
    await page.click('#upload-submit');
    await eventually(async () => assert.match(await page.textContent('#upload-outcome'), /Uploaded as version v1: 4 files/));
    const snippet = await page.textContent('#upload-snippet');
    assert.match(snippet, /HF_ENDPOINT"\] = "http:\/\/[^"]+\/hub"/);
    assert.match(snippet, /from_pretrained\("ui\/uploaded-bert"\)/);
    await screenshot(page, '30-upload-done');

    await page.click('#upload-model-link');
    await eventually(async () => assert.match(await page.textContent('main'), /Uploaded as ui\/uploaded-bert/));
    // The card says how to load it through the Hub API, with the id the service gives it.
    await eventually(async () => assert.match(await page.textContent('#hub-snippet'), /from_pretrained\("ui\/uploaded-bert"\)/));
    assert.equal(await page.textContent('#hub-repo-id'), 'ui/uploaded-bert');
    assert.equal(await page.locator('#upload-dialog').count(), 0);
  }, { allowedConsoleErrors: HTTP_400 }));

  test('uploads a chosen folder as a tar the browser makes, without its .git', () => withPage(browser, async page => {
    await page.goto(`${BASE_URL}/`);
    await page.click('#open-upload');
    await page.waitForSelector('#upload-dialog[open]');
    await page.setInputFiles('#upload-folder', FOLDER);
    // Four model files; the folder's .git is not sent. The folder's name is offered as the repository's.
    await eventually(async () => assert.match(await page.textContent('#upload-chosen'), /^Folder tiny-bert-folder: 4 files, /));
    assert.equal(await page.inputValue('#upload-name'), 'my-team/tiny-bert-folder');
    await page.fill('#upload-name', 'ui/folder-bert');
    await page.click('#upload-submit');
    await eventually(async () => assert.match(await page.textContent('#upload-outcome'), /Uploaded as version v1: 4 files/));
    await page.click('#upload-model-link');
    await eventually(async () => assert.match(await page.textContent('main'), /Tiny BERT from a folder/));
  }));
});
