// The "Upload a model" dialog: a repository id and an archive of a model folder, then the upload's progress and
// what it made (the card, its version, and how to load it from ModelCat's Hub API).
import { modelArchiveType, uploadModel } from './api.js';
import { h, problemView, replaceChildren, showDialog } from './dom.js';
import { formatBytes } from './format.js';

const FIELDS = ['name', 'file'];

/**
 * Shows in `container` how much of an upload was sent (a bar and `sent of total`), then that the service is
 * checking what arrived; `bytesId` is the id of the line of bytes.
 */
export function showUploadProgress(container, sent, total, bytesId) {
  const value = total > 0 ? Math.min(100, Math.round((100 * sent) / total)) : 0;
  const fill = h('div', { class: 'progress-fill' });
  fill.style.width = `${value}%`;
  container.hidden = false;
  replaceChildren(container,
    h('div', { class: 'progress state-running' },
      h('div', { class: 'progress-track', role: 'progressbar', 'aria-label': 'Upload progress', 'aria-valuemin': '0',
        'aria-valuemax': '100', 'aria-valuenow': String(value), 'aria-valuetext': `${value}%` }, fill),
      h('span', { class: 'progress-value' }, `${value}%`)),
    h('p', { id: bytesId, class: 'muted' }, sent >= total
      ? `${formatBytes(total)} sent; checking the files…` : `${formatBytes(sent)} of ${formatBytes(total)} sent`));
}

/** Opens the modal dialog; `onClose` runs when it closes, so the page behind can show what changed. */
export function openUploadDialog({ onClose } = {}) {
  document.getElementById('upload-dialog')?.close();
  let upload = null;

  const nameInput = h('input', {
    id: 'upload-name', name: 'name', type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: '193',
    placeholder: 'owner/name', 'aria-describedby': 'upload-name-hint upload-name-error',
  });
  const fileInput = h('input', {
    id: 'upload-file', name: 'file', type: 'file', accept: '.zip,.tar.gz,.tgz,application/zip,application/gzip',
    'aria-describedby': 'upload-file-hint upload-file-error',
  });
  const inputs = { name: nameInput, file: fileInput };
  const fieldErrors = {
    name: h('p', { id: 'upload-name-error', class: 'field-error', hidden: true }),
    file: h('p', { id: 'upload-file-error', class: 'field-error', hidden: true }),
  };
  const formMessage = h('div', { id: 'upload-message' });
  const progress = h('div', { id: 'upload-progress', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button primary', id: 'upload-submit' }, 'Upload');
  const close = h('button', { type: 'button', class: 'button', id: 'upload-close' }, 'Cancel');
  const body = h('div', { class: 'dialog-body' });
  const heading = h('h2', { id: 'upload-heading' }, 'Upload a model');
  const dialog = h('dialog', { id: 'upload-dialog', class: 'dialog', 'aria-labelledby': 'upload-heading' },
    h('div', { class: 'dialog-head' }, heading,
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => dialog.close() }, '×')),
    body);

  const form = h('form', { id: 'upload-form', novalidate: true, onsubmit: event => { event.preventDefault(); send(); } },
    h('div', { class: 'field' },
      h('label', { for: 'upload-name' }, 'Repository id'),
      nameInput,
      h('p', { id: 'upload-name-hint', class: 'hint' }, 'What the model is known by, such as ', h('code', {}, 'my-team/support-sentiment'),
        '. Uploading the same id again adds a version.'),
      fieldErrors.name),
    h('div', { class: 'field' },
      h('label', { for: 'upload-file' }, 'Archive'),
      fileInput,
      h('p', { id: 'upload-file-hint', class: 'hint' }, 'A ', h('code', {}, '.zip'), ' or ', h('code', {}, '.tar.gz'),
        ' of a model folder as ', h('code', {}, 'save_pretrained'), ' writes it: ', h('code', {}, 'config.json'), ', ',
        h('code', {}, 'tokenizer.json'), ', safetensors weights, and a ', h('code', {}, 'README.md'),
        ' whose front matter (license, pipeline_tag, tags, base_model, datasets) fills the card.'),
      fieldErrors.file),
    progress,
    formMessage,
    h('div', { class: 'dialog-actions' }, close, submit));
  close.addEventListener('click', () => {
    if (upload) upload.abort();
    else dialog.close();
  });
  body.append(form);

  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    // A folder's archive is usually named after the folder: offer it as the name.
    if (file && !nameInput.value.trim()) {
      const stem = file.name.replace(/\.(zip|tar\.gz|tgz)$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-');
      if (stem) nameInput.value = `my-team/${stem}`;
    }
  });

  function showFieldErrors(errors) {
    for (const name of FIELDS) {
      const messages = errors.filter(e => e.field === name).map(e => e.message);
      fieldErrors[name].textContent = messages.join(' ');
      fieldErrors[name].hidden = messages.length === 0;
      if (messages.length) inputs[name].setAttribute('aria-invalid', 'true');
      else inputs[name].removeAttribute('aria-invalid');
    }
    const first = FIELDS.find(name => errors.some(e => e.field === name));
    if (first) inputs[first].focus();
  }

  function showProgress(sent, total) {
    showUploadProgress(progress, sent, total, 'upload-bytes');
  }

  async function send() {
    if (upload) return;
    const name = nameInput.value.trim();
    const file = fileInput.files?.[0];
    replaceChildren(formMessage);
    const missing = [];
    if (!name) missing.push({ field: 'name', message: 'Enter a repository id, such as my-team/my-model.' });
    if (!file) missing.push({ field: 'file', message: 'Choose a .zip or .tar.gz of the model folder.' });
    else if (!modelArchiveType(file.name)) missing.push({ field: 'file', message: 'Choose a .zip, .tar.gz or .tgz file.' });
    showFieldErrors(missing);
    if (missing.length) return;
    submit.disabled = true;
    submit.textContent = 'Uploading…';
    close.textContent = 'Cancel upload';
    showProgress(0, file.size);
    upload = uploadModel(name, file, showProgress);
    try {
      showResult(await upload.done);
    } catch (error) {
      progress.hidden = true;
      const known = error.errors.filter(e => FIELDS.includes(e.field));
      showFieldErrors(known);
      if (known.length === 0 || known.length < error.errors.length) replaceChildren(formMessage, problemView(error));
    } finally {
      upload = null;
      submit.disabled = false;
      submit.textContent = 'Upload';
      close.textContent = 'Cancel';
    }
  }

  function showResult(uploaded) {
    heading.textContent = `Uploaded ${uploaded.repoId}`;
    const snippet = `import os\nos.environ["HF_ENDPOINT"] = "${new URL('hub', document.baseURI).href}"\n`
      + 'os.environ["HF_TOKEN"] = "mc_pat_..."   # a ModelCat API token (Account page)\n'
      + `from transformers import AutoModel\nmodel = AutoModel.from_pretrained("${uploaded.repoId}")`;
    replaceChildren(body,
      h('div', { class: 'success', id: 'upload-outcome', role: 'status' },
        h('p', {}, uploaded.created ? `Uploaded as version v${uploaded.versionNumber}: ${uploaded.files.length} files, `
          + `${formatBytes(uploaded.totalBytes)}, task ${uploaded.task}.`
          : `These files are already version v${uploaded.versionNumber}; nothing changed.`),
        h('a', { id: 'upload-model-link', class: 'button primary', href: `#/models/${encodeURIComponent(uploaded.modelId)}` },
          'Open the model card')),
      h('h3', {}, 'Load it from ModelCat'),
      h('pre', { class: 'code-block', id: 'upload-snippet' }, snippet),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'button', id: 'upload-done', onclick: () => dialog.close() }, 'Close')));
    document.getElementById('upload-done').focus();
  }

  dialog.addEventListener('click', event => {
    if (event.target.closest?.('a[href^="#"]') && dialog.open) dialog.close();
  });
  showDialog(dialog, () => {
    upload?.abort();
    onClose?.();
  });
  nameInput.focus();
  return dialog;
}
