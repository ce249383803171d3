// The "Import a catalog archive" dialog: an archive exported by another ModelCat (a model page's "Export for another
// site", or GET /api/v1/catalog/export), its upload's progress, then what it added and what was here already.
import { importCatalog } from './api.js';
import { h, problemView, replaceChildren, showDialog } from './dom.js';
import { formatBytes } from './format.js';
import { showUploadProgress } from './uploaddialog.js';

/** Opens the modal dialog; `onClose` runs when it closes, so the page behind can show what changed. */
export function openCatalogImportDialog({ onClose } = {}) {
  document.getElementById('catalog-import-dialog')?.close();
  let upload = null;

  const fileInput = h('input', {
    id: 'catalog-import-file', name: 'file', type: 'file', accept: '.zip,application/zip',
    'aria-describedby': 'catalog-import-file-hint catalog-import-file-error',
  });
  const fileError = h('p', { id: 'catalog-import-file-error', class: 'field-error', hidden: true });
  const formMessage = h('div', { id: 'catalog-import-message' });
  const progress = h('div', { id: 'catalog-import-progress', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button primary', id: 'catalog-import-submit' }, 'Import');
  const close = h('button', { type: 'button', class: 'button', id: 'catalog-import-close' }, 'Cancel');
  const body = h('div', { class: 'dialog-body' });
  const heading = h('h2', { id: 'catalog-import-heading' }, 'Import a catalog archive');
  const dialog = h('dialog', { id: 'catalog-import-dialog', class: 'dialog', 'aria-labelledby': 'catalog-import-heading' },
    h('div', { class: 'dialog-head' }, heading,
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => dialog.close() }, '×')),
    body);

  const form = h('form', { id: 'catalog-import-form', novalidate: true, onsubmit: event => { event.preventDefault(); send(); } },
    h('div', { class: 'field' },
      h('label', { for: 'catalog-import-file' }, 'Archive'),
      fileInput,
      h('p', { id: 'catalog-import-file-hint', class: 'hint' }, 'A ', h('code', {}, '.zip'),
        ' exported by another ModelCat (Export for another site on a model page). Models keep their ids, versions and '
        + 'lineage; what is here already stays as it is, so importing an archive twice changes nothing.'),
      fileError),
    progress,
    formMessage,
    h('div', { class: 'dialog-actions' }, close, submit));
  close.addEventListener('click', () => {
    if (upload) upload.abort();
    else dialog.close();
  });
  body.append(form);

  function showFileError(message) {
    fileError.textContent = message ?? '';
    fileError.hidden = !message;
    if (message) {
      fileInput.setAttribute('aria-invalid', 'true');
      fileInput.focus();
    } else {
      fileInput.removeAttribute('aria-invalid');
    }
  }

  async function send() {
    if (upload) return;
    const file = fileInput.files?.[0];
    replaceChildren(formMessage);
    showFileError(file ? null : 'Choose the .zip of a catalog export.');
    if (!file) return;
    submit.disabled = true;
    submit.textContent = 'Importing…';
    close.textContent = 'Cancel import';
    showUploadProgress(progress, 0, file.size, 'catalog-import-bytes');
    upload = importCatalog(file, (sent, total) => showUploadProgress(progress, sent, total, 'catalog-import-bytes'));
    try {
      showResult(await upload.done);
    } catch (error) {
      progress.hidden = true;
      const messages = error.errors.filter(e => e.field === 'file').map(e => e.message);
      showFileError(messages.length ? messages.join(' ') : null);
      if (messages.length === 0 || messages.length < error.errors.length) replaceChildren(formMessage, problemView(error));
    } finally {
      upload = null;
      submit.disabled = false;
      submit.textContent = 'Import';
      close.textContent = 'Cancel';
    }
  }

  function showResult(result) {
    heading.textContent = 'Catalog archive imported';
    const summary = result.versionsCreated === 0
      ? `Nothing new: the archive's ${result.versionsUnchanged} version${result.versionsUnchanged === 1 ? ' is' : 's are'} here already.`
      : `Added ${result.versionsCreated} version${result.versionsCreated === 1 ? '' : 's'} (${formatBytes(result.bytes)}) and `
        + `${result.modelsCreated} new model${result.modelsCreated === 1 ? '' : 's'}; ${result.versionsUnchanged} here already.`;
    replaceChildren(body,
      h('div', { class: 'success', id: 'catalog-import-outcome', role: 'status' }, h('p', {}, summary)),
      h('ul', { class: 'plain-list', id: 'catalog-import-models' }, result.models.map(model =>
        h('li', { dataset: { model: model.id } },
          h('a', { href: `#/models/${encodeURIComponent(model.id)}` }, model.name),
          ' ', h('span', { class: 'muted' }, model.created ? 'new model: ' : 'existing model: '),
          model.versions.map(v => `v${v.versionNumber}${v.created ? ' added' : ' here already'}`
            + (v.versionNumber !== v.sourceVersionNumber ? ` (v${v.sourceVersionNumber} there)` : '')).join(', ')))),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'button', id: 'catalog-import-done', onclick: () => dialog.close() }, 'Close')));
    document.getElementById('catalog-import-done').focus();
  }

  dialog.addEventListener('click', event => {
    if (event.target.closest?.('a[href^="#"]') && dialog.open) dialog.close();
  });
  showDialog(dialog, () => {
    upload?.abort();
    onClose?.();
  });
  fileInput.focus();
  return dialog;
}
