// The "Upload a model" dialog: a repository id and a model folder (chosen or dropped; sent as a tar made of its
// files) or an archive of one, then the upload's progress and what it made (the card, its version, and how to load
// it from ModelCat's Hub API).
import { modelArchiveType, uploadModel } from './api.js';
import { h, problemView, replaceChildren, showDialog } from './dom.js';
import { formatBytes } from './format.js';
import { tarball } from './tarball.js';

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
  // What will be sent: { archive: File } or { folder: name, entries: [{ path, file }] }.
  let chosen = null;

  const nameInput = h('input', {
    id: 'upload-name', name: 'name', type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: '193',
    placeholder: 'owner/name', 'aria-describedby': 'upload-name-hint upload-name-error',
  });
  const fileInput = h('input', {
    id: 'upload-file', name: 'file', type: 'file', accept: '.zip,.tar.gz,.tgz,.tar,application/zip,application/gzip,application/x-tar',
    'aria-describedby': 'upload-file-hint upload-file-error',
  });
  const folderInput = h('input', { id: 'upload-folder', type: 'file', webkitdirectory: '', multiple: '', hidden: true });
  const chosenView = h('p', { id: 'upload-chosen', class: 'muted', hidden: true });
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
    h('div', { class: 'field drop-zone', id: 'upload-drop' },
      h('label', { for: 'upload-file' }, 'Model folder or archive'),
      h('div', { class: 'drop-choices' }, fileInput,
        h('button', { type: 'button', class: 'button small', id: 'upload-choose-folder', onclick: () => folderInput.click() },
          'Choose a folder…'), folderInput),
      chosenView,
      h('p', { id: 'upload-file-hint', class: 'hint' }, 'Drop a model folder here, or choose it or a ', h('code', {}, '.zip'),
        ' or ', h('code', {}, '.tar.gz'), ' of it: the folder as ', h('code', {}, 'save_pretrained'), ' writes it, with ',
        h('code', {}, 'config.json'), ', ', h('code', {}, 'tokenizer.json'), ', safetensors weights, and a ',
        h('code', {}, 'README.md'), ' whose front matter (license, pipeline_tag, tags, base_model, datasets) fills the card.'),
      fieldErrors.file),
    progress,
    formMessage,
    h('div', { class: 'dialog-actions' }, close, submit));
  close.addEventListener('click', () => {
    if (upload) upload.abort();
    else dialog.close();
  });
  body.append(form);

  /** Takes what was chosen or dropped, says what it is, and offers the folder's (or archive's) name as the name. */
  function choose(next) {
    chosen = next;
    if (next?.folder !== undefined) {
      const bytes = next.entries.reduce((sum, entry) => sum + entry.file.size, 0);
      chosenView.textContent = `Folder ${next.folder}: ${next.entries.length} file${next.entries.length === 1 ? '' : 's'}, ${formatBytes(bytes)}`;
      chosenView.hidden = false;
      fileInput.value = '';
    } else {
      chosenView.hidden = true;
    }
    const label = next?.folder ?? next?.archive?.name.replace(/\.(zip|tar\.gz|tgz|tar)$/i, '');
    const stem = label?.replace(/[^A-Za-z0-9._-]+/g, '-');
    if (stem && !nameInput.value.trim()) nameInput.value = `my-team/${stem}`;
  }

  fileInput.addEventListener('change', () => choose(fileInput.files?.[0] ? { archive: fileInput.files[0] } : null));
  folderInput.addEventListener('change', () => {
    const entries = [...folderInput.files].map(file => ({ path: file.webkitRelativePath || file.name, file }));
    choose(entries.length ? folderChoice(entries) : null);
  });
  const dropZone = form.querySelector('#upload-drop');
  dropZone.addEventListener('dragover', event => {
    event.preventDefault();
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
  dropZone.addEventListener('drop', async event => {
    event.preventDefault();
    dropZone.classList.remove('dragging');
    const entry = [...(event.dataTransfer?.items ?? [])].map(item => item.webkitGetAsEntry?.()).find(Boolean);
    if (entry?.isDirectory) choose(folderChoice(await filesOf(entry, '')));
    else if (event.dataTransfer?.files?.[0]) choose({ archive: event.dataTransfer.files[0] });
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
    replaceChildren(formMessage);
    const missing = [];
    if (!name) missing.push({ field: 'name', message: 'Enter a repository id, such as my-team/my-model.' });
    if (!chosen) missing.push({ field: 'file', message: 'Choose a .zip or .tar.gz of the model folder, or the folder itself.' });
    else if (chosen.folder !== undefined && chosen.entries.length === 0) missing.push({ field: 'file', message: 'The folder holds no model files.' });
    else if (chosen.archive && !modelArchiveType(chosen.archive.name)) missing.push({ field: 'file', message: 'Choose a .zip, .tar.gz, .tgz or .tar file.' });
    showFieldErrors(missing);
    if (missing.length) return;
    const file = chosen.archive ?? new File([tarball(chosen.entries)], `${chosen.folder}.tar`, { type: 'application/x-tar' });
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

/** Files that tools keep beside a model (version control, caches, Finder's), never part of it: not sent. */
const NOT_SENT = /(^|\/)(\.git|\.cache|__MACOSX)(\/|$)|(^|\/)\.DS_Store$/;

/** A folder's files as chosen (their paths start with the folder's name), without what is never part of a model. */
function folderChoice(entries) {
  const folder = entries[0]?.path.split('/')[0] ?? 'model';
  return { folder, entries: entries.filter(entry => !NOT_SENT.test(entry.path)) };
}

/** The files under a dropped folder's entry, with paths that start with the folder's name. */
async function filesOf(entry, prefix) {
  if (entry.isFile) return [{ path: `${prefix}${entry.name}`, file: await new Promise((resolve, reject) => entry.file(resolve, reject)) }];
  const reader = entry.createReader();
  const files = [];
  for (;;) {
    // readEntries answers in batches until an empty one.
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return files;
    for (const child of batch) files.push(...await filesOf(child, `${prefix}${entry.name}/`));
  }
}
