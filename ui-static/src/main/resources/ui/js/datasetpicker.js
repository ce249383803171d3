// Choosing a dataset for a job: a list of the uploaded ones, an upload of a new file, and a preview table.
import { datasetContentType, previewDataset, uploadDataset } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';

/**
 * A dataset chooser for the field `field` (its API name, such as `trainDatasetId`), with ids starting
 * with `prefix`. `datasets` is the shared list (uploads are added to it); `emptyLabel`, when given, is an
 * option meaning "no dataset" (an automatic split). With `preview`, the chosen dataset's first rows are
 * shown. `onChange(dataset, preview)` runs when the choice (or its preview) changes.
 */
export function datasetPicker({ prefix, field, label, hint, datasets, emptyLabel = null, preview = false, onChange }) {
  const select = h('select', { id: `${prefix}-dataset`, name: field, 'aria-describedby': `${prefix}-dataset-hint ${prefix}-dataset-error` });
  const error = h('p', { id: `${prefix}-dataset-error`, class: 'field-error', hidden: true });
  const fileInput = h('input', { id: `${prefix}-file`, type: 'file', accept: '.csv,.tsv,.tab,.jsonl,.ndjson,.json',
    'aria-describedby': `${prefix}-file-hint ${prefix}-upload-message` });
  const nameInput = h('input', { id: `${prefix}-name`, type: 'text', maxlength: '200', autocomplete: 'off', spellcheck: 'false' });
  const uploadButton = h('button', { type: 'button', class: 'button', id: `${prefix}-upload` }, 'Upload');
  const uploadMessage = h('div', { id: `${prefix}-upload-message`, role: 'status' });
  const previewBox = h('div', { id: `${prefix}-preview`, class: 'dataset-preview' });
  let previewed = null; // { datasetId, columns, rows }
  let sequence = 0;

  function fillOptions() {
    const chosen = select.value;
    replaceChildren(select,
      emptyLabel ? h('option', { value: '' }, emptyLabel) : h('option', { value: '' }, datasets.length ? 'Choose a dataset…' : 'No datasets yet: upload one below'),
      datasets.map(d => h('option', { value: d.id }, `${d.name} (${d.format}, ${d.rowCount ?? '?'} rows)`)));
    select.value = chosen;
  }

  async function chosen() {
    const id = select.value;
    // A new choice answers an earlier error about the choice.
    error.hidden = true;
    error.textContent = '';
    select.removeAttribute('aria-invalid');
    const dataset = datasets.find(d => d.id === id) ?? null;
    previewed = null;
    const mine = ++sequence;
    if (!preview) {
      onChange?.(dataset, null);
      return;
    }
    if (!dataset) {
      replaceChildren(previewBox);
      onChange?.(null, null);
      return;
    }
    replaceChildren(previewBox, h('p', { class: 'loading', role: 'status' }, 'Loading the preview…'));
    try {
      const answer = await previewDataset(id);
      if (mine !== sequence) return;
      previewed = answer;
      replaceChildren(previewBox, previewTable(prefix, dataset, answer));
      onChange?.(dataset, answer);
    } catch (e) {
      if (mine !== sequence) return;
      replaceChildren(previewBox, problemView(e, chosen));
      onChange?.(dataset, null);
    }
  }

  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    replaceChildren(uploadMessage);
    if (file && !nameInput.value.trim()) nameInput.value = file.name;
    if (file && !datasetContentType(file.name)) {
      replaceChildren(uploadMessage, h('p', { class: 'field-error' },
        'Choose a .csv, .tsv, .jsonl or .json file: the catalog reads no other format.'));
    }
  });

  uploadButton.addEventListener('click', async () => {
    const file = fileInput.files?.[0];
    if (!file) {
      replaceChildren(uploadMessage, h('p', { class: 'field-error' }, 'Choose a file first.'));
      fileInput.focus();
      return;
    }
    const name = nameInput.value.trim() || file.name;
    uploadButton.disabled = true;
    uploadButton.textContent = 'Uploading…';
    replaceChildren(uploadMessage, h('p', { class: 'muted' }, `Uploading ${file.name}…`));
    try {
      const dataset = await uploadDataset(name, file);
      datasets.unshift(dataset);
      fillOptions();
      select.value = dataset.id;
      fileInput.value = '';
      nameInput.value = '';
      replaceChildren(uploadMessage, h('p', { class: 'success small' },
        `Uploaded ${dataset.name}: ${dataset.rowCount} rows, columns ${(dataset.columns ?? []).map(c => c.name).join(', ')}.`));
      chosen();
    } catch (e) {
      replaceChildren(uploadMessage, problemView(e));
    } finally {
      uploadButton.disabled = false;
      uploadButton.textContent = 'Upload';
    }
  });

  select.addEventListener('change', chosen);
  fillOptions();

  const element = h('fieldset', { class: 'wizard-step', id: `${prefix}-step` },
    h('legend', {}, label),
    h('div', { class: 'field' },
      h('label', { for: `${prefix}-dataset` }, 'Dataset'),
      select,
      h('p', { id: `${prefix}-dataset-hint`, class: 'hint' }, hint),
      error),
    h('details', { class: 'upload', open: datasets.length === 0 && !emptyLabel ? true : null },
      h('summary', {}, 'Upload a new dataset'),
      h('div', { class: 'upload-fields' },
        h('div', { class: 'field' },
          h('label', { for: `${prefix}-file` }, 'File'),
          fileInput,
          h('p', { id: `${prefix}-file-hint`, class: 'hint' }, 'CSV, TSV, JSON Lines or a JSON array; UTF-8.')),
        h('div', { class: 'field' },
          h('label', { for: `${prefix}-name` }, 'Name ', h('span', { class: 'muted' }, '(the file’s name when empty)')),
          nameInput),
        uploadButton),
      uploadMessage),
    preview ? previewBox : null);

  return {
    element,
    select,
    error,
    /** The chosen dataset's id, or null. */
    value: () => select.value || null,
    /** The preview of the chosen dataset, once loaded. */
    preview: () => previewed,
    /** Other pickers' uploads: show them too. */
    refresh: fillOptions,
  };
}

/** The first rows of a dataset as a table (values as text; lists and objects as JSON). */
function previewTable(prefix, dataset, answer) {
  const columns = answer.columns ?? [];
  const rows = answer.rows ?? [];
  const types = new Map((dataset.columns ?? []).map(c => [c.name, c.type]));
  const names = columns.map(c => (typeof c === 'string' ? c : c.name));
  return h('div', {},
    h('p', { class: 'muted small', id: `${prefix}-preview-summary` },
      `The first ${rows.length} of ${dataset.rowCount ?? rows.length} rows of ${dataset.name}.`),
    h('div', { class: 'table-scroll preview-scroll', tabindex: '0', role: 'region', 'aria-label': `Preview of ${dataset.name}` },
      h('table', { class: 'preview-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '#'), names.map(name => h('th', { scope: 'col' }, name,
          types.get(name) ? h('span', { class: 'column-type' }, types.get(name)) : null)))),
        h('tbody', {}, rows.map((row, i) => h('tr', {}, h('td', { class: 'muted' }, String(i + 1)),
          names.map(name => h('td', {}, cellText(row?.[name])))))))));
}

export function cellText(value) {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
