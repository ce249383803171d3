// The "Import from Hugging Face" dialog: MODEL_ID and revision, then the import job's live progress.
import { submitImport } from './api.js';
import { h, problemView, replaceChildren, showDialog } from './dom.js';
import { bytesText, isActive, jobStateBadge, logLine, progressBar, stickToBottom, watchJob } from './jobstatus.js';

const FIELDS = ['modelId', 'revision'];

/**
 * Opens the modal dialog, with the MODEL_ID (and revision) filled in when given. `onClose` runs
 * when it closes, so the page behind can show what changed.
 */
export function openImportDialog({ modelId = '', revision = '', onClose } = {}) {
  document.getElementById('import-dialog')?.close();
  let stopWatching = null;
  let submitting = false;

  const modelInput = h('input', {
    id: 'import-model-id', name: 'modelId', type: 'text', value: modelId, autocomplete: 'off', spellcheck: 'false',
    maxlength: '200', placeholder: 'org/name', 'aria-describedby': 'import-model-id-hint import-model-id-error',
  });
  const revisionInput = h('input', {
    id: 'import-revision', name: 'revision', type: 'text', value: revision, autocomplete: 'off', spellcheck: 'false',
    maxlength: '255', placeholder: 'main', 'aria-describedby': 'import-revision-hint import-revision-error',
  });
  const inputs = { modelId: modelInput, revision: revisionInput };
  const fieldErrors = {
    modelId: h('p', { id: 'import-model-id-error', class: 'field-error', hidden: true }),
    revision: h('p', { id: 'import-revision-error', class: 'field-error', hidden: true }),
  };
  const formMessage = h('div', { id: 'import-message' });
  const submit = h('button', { type: 'submit', class: 'button primary', id: 'import-submit' }, 'Import');
  const close = h('button', { type: 'button', class: 'button', id: 'import-close' }, 'Cancel');
  const body = h('div', { class: 'dialog-body' });
  const heading = h('h2', { id: 'import-heading' }, 'Import from Hugging Face');
  const dialog = h('dialog', { id: 'import-dialog', class: 'dialog', 'aria-labelledby': 'import-heading' },
    h('div', { class: 'dialog-head' }, heading,
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => dialog.close() }, '×')),
    body);

  const form = h('form', { id: 'import-form', novalidate: true, onsubmit: event => { event.preventDefault(); send(); } },
    h('div', { class: 'field' },
      h('label', { for: 'import-model-id' }, 'MODEL_ID'),
      modelInput,
      h('p', { id: 'import-model-id-hint', class: 'hint' }, 'The model’s name on the Hub, such as ',
        h('code', {}, 'distilbert/distilbert-base-uncased'), '.'),
      fieldErrors.modelId),
    h('div', { class: 'field' },
      h('label', { for: 'import-revision' }, 'Revision ', h('span', { class: 'muted' }, '(optional)')),
      revisionInput,
      h('p', { id: 'import-revision-hint', class: 'hint' }, 'A branch, tag or commit; ', h('code', {}, 'main'), ' when empty.'),
      fieldErrors.revision),
    formMessage,
    h('div', { class: 'dialog-actions' }, close, submit));
  close.addEventListener('click', () => dialog.close());
  body.append(form);

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

  async function send() {
    if (submitting) return;
    const request = { modelId: modelInput.value.trim() };
    if (revisionInput.value.trim()) request.revision = revisionInput.value.trim();
    replaceChildren(formMessage);
    if (!request.modelId) {
      showFieldErrors([{ field: 'modelId', message: 'Enter a MODEL_ID, such as org/name.' }]);
      return;
    }
    submitting = true;
    submit.disabled = true;
    submit.textContent = 'Importing…';
    try {
      const job = await submitImport(request);
      showProgress(job, request);
    } catch (error) {
      const known = error.errors.filter(e => FIELDS.includes(e.field));
      showFieldErrors(known);
      // Field errors speak for themselves beside their inputs; anything else shows as a whole.
      if (known.length === 0 || known.length < error.errors.length) replaceChildren(formMessage, problemView(error));
    } finally {
      submitting = false;
      submit.disabled = false;
      submit.textContent = 'Import';
    }
  }

  function showProgress(firstJob, request) {
    const state = h('span', { id: 'import-state' });
    const bar = h('div', { id: 'import-progress' });
    const bytes = h('p', { id: 'import-bytes', class: 'muted' });
    const file = h('p', { id: 'import-file', class: 'muted' });
    const outcome = h('div', { id: 'import-outcome', role: 'status' });
    const checkFailed = h('p', { id: 'import-check-failed', class: 'muted', hidden: true });
    const logBox = h('div', { class: 'log-box', tabindex: '0', role: 'region', 'aria-label': 'Import log', hidden: true });
    const log = h('ol', { id: 'import-log', class: 'log', role: 'log', 'aria-live': 'polite' });
    logBox.append(log);
    const jobLink = h('a', { href: `#/jobs/${encodeURIComponent(firstJob.id)}`, id: 'import-job-link' }, 'Job details');
    const done = h('button', { type: 'button', class: 'button', id: 'import-done', onclick: () => dialog.close() }, 'Close');
    heading.textContent = `Importing ${request.modelId}`;
    replaceChildren(body,
      h('div', { class: 'import-status' }, state, h('span', { class: 'muted' }, request.revision ? `@ ${request.revision}` : '')),
      bar, bytes, file, outcome, checkFailed,
      h('h3', { class: 'log-heading' }, 'Log'),
      logBox,
      h('div', { class: 'dialog-actions' }, jobLink, done));
    done.focus();

    function render(job) {
      checkFailed.hidden = true; // an answer came: a failed check before it is past
      replaceChildren(state, jobStateBadge(job));
      replaceChildren(bar, progressBar(job, 'Import progress'));
      bytes.textContent = bytesText(job);
      bytes.hidden = !bytes.textContent;
      const current = job.progressDetail?.file;
      file.textContent = isActive(job) && current ? `Downloading ${current}` : '';
      file.hidden = !file.textContent;
      if (job.state === 'succeeded') {
        const id = job.result?.modelId ?? job.modelId;
        const version = job.result?.versionNumber;
        replaceChildren(outcome, h('div', { class: 'success' },
          h('p', {}, job.result?.newVersion === false ? 'This revision was already in the catalog.'
            : `Imported${version ? ` as version v${version}` : ''}.`),
          id ? h('a', { id: 'import-model-link', class: 'button primary', href: `#/models/${encodeURIComponent(id)}` },
            'Open the model card') : null));
      } else if (job.state === 'failed') {
        replaceChildren(outcome, h('div', { class: 'problem', id: 'import-error' },
          h('p', { class: 'problem-title' }, 'The import failed'),
          h('p', { class: 'problem-detail' }, job.error || 'No reason was given.'),
          job.errorCause ? h('p', { class: 'problem-detail muted' }, job.errorCause) : null));
      } else if (job.state === 'cancelled') {
        replaceChildren(outcome, h('p', { class: 'muted' }, 'The import was cancelled.'));
      }
    }

    render(firstJob);
    stopWatching = watchJob(firstJob.id, {
      onJob: render,
      onLog: line => {
        logBox.hidden = false;
        const scroll = stickToBottom(logBox);
        log.append(logLine(line));
        scroll();
      },
      onInterrupted: () => outcome.append(h('p', { class: 'muted' }, 'Live updates were interrupted; checking every few seconds.')),
      onError: error => {
        checkFailed.textContent = `Checking the import failed (${error.title}${error.detail ? `: ${error.detail}` : ''}); trying again in a few seconds.`;
        checkFailed.hidden = false;
      },
    });
  }

  jobLinkCloses(dialog);
  showDialog(dialog, () => {
    stopWatching?.();
    onClose?.();
  });
  modelInput.focus();
  if (modelId) modelInput.select();
  return dialog;
}

/** Any link followed inside the dialog leaves it: the page it opens must not sit behind a modal. */
function jobLinkCloses(dialog) {
  dialog.addEventListener('click', event => {
    if (event.target.closest?.('a[href^="#"]') && dialog.open) dialog.close();
  });
}
