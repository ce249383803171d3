// A batch endpoint's Invoke form: the deployment, a dataset (chosen or uploaded, with a preview), the columns
// that feed the task's inputs (named like an input: chosen for you), and the invocation's settings from the
// task registry.
import { invokeBatchEndpoint, listDatasets } from './api.js';
import { datasetPicker } from './datasetpicker.js';
import { h, problemView, replaceChildren } from './dom.js';
import { FieldErrors, numberValue } from './fielderrors.js';
import { sentence, settingInput, settingLabel } from './tasks.js';

/** The form for `endpoint`; `onInvoked(answer)` gets { deployment, job }. Answers a promise of the form's element. */
export async function invokeForm(endpoint, registry, onInvoked) {
  const datasets = (await listDatasets())?.items ?? [];
  const errors = new FieldErrors();
  const deployments = endpoint.deployments ?? [];
  const deploymentSelect = h('select', { id: 'batch-invoke-deployment' },
    deployments.map(d => h('option', { value: d.name, selected: d.name === endpoint.defaultDeployment },
      `${d.name}${d.name === endpoint.defaultDeployment ? ' (default)' : ''}: ${d.modelName} v${d.versionNumber}`)));
  const deploymentError = errors.add('deployment', deploymentSelect, 'batch-invoke-deployment');
  const mappingBox = h('div', { id: 'batch-mapping' });
  let dataset = null;
  let mappingSelects = new Map();

  const picker = datasetPicker({ prefix: 'batch', field: 'datasetId', label: 'Dataset', datasets, preview: true,
    hint: 'The rows to score: every row of the file, in mini-batches.',
    onChange: chosen => { dataset = chosen; fillMapping(); } });
  errors.fields.set('datasetId', { input: picker.select, error: picker.error });

  function task() {
    return deployments.find(d => d.name === deploymentSelect.value)?.task;
  }

  // Rebuilt when the deployment or the dataset changes; a column already chosen for an input stays chosen.
  function fillMapping() {
    const before = new Map([...mappingSelects].map(([input, select]) => [input, select.value]));
    errors.remove('inputColumns.');
    mappingSelects = new Map();
    const inputs = registry.task(task())?.predictInputs ?? [];
    if (!dataset) {
      replaceChildren(mappingBox, h('p', { class: 'muted', id: 'batch-mapping-empty' }, 'Choose or upload a dataset to map its columns.'));
      return;
    }
    const columns = (dataset.columns ?? []).map(c => c.name);
    replaceChildren(mappingBox, h('div', { class: 'mapping-grid' }, inputs.map(input => {
      const id = `batch-mapping-${input.name}`;
      const wanted = before.has(input.name) && columns.includes(before.get(input.name)) ? before.get(input.name) : input.name;
      const select = h('select', { id }, h('option', { value: '' }, input.required ? 'Choose a column…' : 'None'),
        columns.map(c => h('option', { value: c, selected: c === wanted }, c)));
      mappingSelects.set(input.name, select);
      const error = errors.add(`inputColumns.${input.name}`, select, id);
      return h('div', { class: 'field' },
        h('label', { for: id }, h('code', {}, input.name), input.required ? '' : h('span', { class: 'muted' }, ' (optional)')),
        select, h('p', { class: 'hint' }, `The column with ${input.description}.`), error);
    })));
  }
  deploymentSelect.addEventListener('change', () => { fillMapping(); fillInstances(); });

  const settings = registry.batchScoreSettings.map(setting => {
    const id = `batch-setting-${setting.name}`;
    const input = h('input', { id, type: 'number', inputmode: 'numeric', ...settingInput(setting), name: setting.name });
    const error = errors.add(setting.name, input, id);
    return { setting, input, element: h('div', { class: 'field' }, h('label', { for: id }, settingLabel(setting.name)), input,
      h('p', { class: 'hint' }, sentence(setting.description ?? setting.help)), error) };
  });

  // The instance count starts as the chosen deployment's; a change overrides it for this invocation.
  function fillInstances() {
    const input = settings.find(s => s.setting.name === 'instanceCount')?.input;
    const count = deployments.find(d => d.name === deploymentSelect.value)?.instanceCount;
    if (input && typeof count === 'number') input.value = String(count);
  }
  fillInstances();

  // The CSV output's name (Azure's output_file_name); the JSON lines take the same name ending in .jsonl.
  const outputName = h('input', { id: 'batch-invoke-output', type: 'text', value: 'predictions.csv', spellcheck: false,
    'aria-describedby': 'batch-invoke-output-hint' });
  const outputError = errors.add('outputFileName', outputName, 'batch-invoke-output');
  const outputField = h('div', { class: 'field' }, h('label', { for: 'batch-invoke-output' }, 'Output file name'), outputName,
    h('p', { id: 'batch-invoke-output-hint', class: 'hint' }, 'A .csv name; the JSON lines are written beside it as .jsonl.'),
    outputError);

  const submit = h('button', { type: 'submit', class: 'button primary', id: 'batch-invoke-submit' }, 'Invoke');
  const status = h('div', { id: 'batch-invoke-status', role: 'status' });
  const form = h('form', { id: 'batch-invoke', class: 'wizard', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'batch-invoke-deployment' }, 'Deployment'), deploymentSelect, deploymentError),
    picker.element,
    h('fieldset', { class: 'wizard-step' }, h('legend', {}, 'Input columns'),
      h('p', { class: 'hint' }, 'Which column feeds each input of the task. Columns named like an input are chosen for you.'), mappingBox),
    h('fieldset', { class: 'wizard-step' }, h('legend', {}, 'Settings'), h('div', { class: 'field-row' }, settings.map(s => s.element)),
      outputField),
    submit, status);
  fillMapping();

  form.addEventListener('submit', async event => {
    event.preventDefault();
    replaceChildren(status);
    const inputColumns = {};
    for (const [input, select] of mappingSelects) if (select.value) inputColumns[input] = select.value;
    const body = { datasetId: picker.value(), deployment: deploymentSelect.value || undefined, inputColumns };
    for (const { setting, input } of settings) body[setting.name] = numberValue(input);
    if (outputName.value.trim()) body.outputFileName = outputName.value.trim();
    submit.disabled = true;
    try {
      const answer = await invokeBatchEndpoint(endpoint.name, body);
      errors.show([]);
      replaceChildren(status, h('p', { class: 'success', id: 'batch-invoke-queued' }, 'Queued job ',
        h('a', { href: `#/jobs/${encodeURIComponent(answer.job.id)}` }, answer.job.id), '.'));
      onInvoked(answer);
    } catch (error) {
      const left = errors.show(error.errors ?? []);
      if (left.length || !error.errors?.length) replaceChildren(status, problemView(error));
      else replaceChildren(status, h('p', { class: 'field-error', id: 'batch-invoke-invalid' }, 'Not invoked: see the errors above.'));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
