// The evaluate and fine-tune pages (#/models/{id}/evaluate, #/models/{id}/finetune): one form in steps,
// checked by the API as a whole on submit; its field errors show beside their inputs.
import { checkMapping, getModel, listDatasets, listVersions, submitEvaluation, submitFinetune } from './api.js';
import { datasetPicker } from './datasetpicker.js';
import { h, problemView, replaceChildren } from './dom.js';
import { can, needsRole } from './session.js';
import { loadTaskRegistry, sentence, settingInput, settingLabel } from './tasks.js';

/** The versions a job can start from: those with files, newest first. */
export function versionsWithFiles(versions) {
  return (versions ?? []).filter(v => v.artifactUri).sort((a, b) => b.versionNumber - a.versionNumber);
}

/** The tasks `mode` ('evaluate' or 'finetune', a job kind of the registry) offers for a model. */
export function tasksFor(model, mode, registry) {
  const candidates = mode === 'evaluate' ? [model.task, ...(model.finetuningTasks ?? [])] : (model.finetuningTasks ?? []);
  return [...new Set(candidates)].filter(task => registry.runs(task, mode));
}

/** Why `mode` offers no task for a model: the tasks the engine runs for it, from the registry. */
export function noTaskReason(mode, registry) {
  const names = registry.running(mode).join(', ');
  return mode === 'evaluate' ? `The engine evaluates ${names || 'no task'}; this model has none of them.`
    : `This model has no fine-tuning task that the engine runs (${names || 'none'}).`;
}

/** The accepted column types in words: ['integer', 'string'] gives 'integer or string'. */
function typesText(types) {
  return types.length <= 1 ? types.join('') : `${types.slice(0, -1).join(', ')} or ${types.at(-1)}`;
}

/** Mounts the evaluate or fine-tune page of model `id`; returns { unmount() }. */
export function mountWizard(root, id, mode, navigate) {
  let active = true;
  const title = mode === 'evaluate' ? 'Evaluate' : 'Fine-tune';
  function load() {
    document.title = `${title} · ModelCat`;
    if (!can('contributor')) {
      replaceChildren(root, h('p', { class: 'breadcrumb' }, h('a', { href: `#/models/${encodeURIComponent(id)}` }, '← Model')),
        h('h1', {}, title), h('p', { id: 'wizard-role' }, needsRole('contributor')));
      return;
    }
    replaceChildren(root, h('p', { class: 'loading', role: 'status' }, 'Loading…'));
    Promise.all([getModel(id), listVersions(id), listDatasets(), loadTaskRegistry()])
      .then(([model, versions, datasets, registry]) => {
        if (active) render(root, model, versions, datasets?.items ?? [], registry, mode, navigate, () => active);
      })
      .catch(error => {
        if (!active) return;
        const missing = error.status === 400 || error.status === 404;
        replaceChildren(root, backLink(id),
          h('h1', {}, missing ? 'Model not found' : 'The page could not be loaded'),
          problemView(error, missing ? null : load));
      });
  }
  load();
  return { unmount: () => { active = false; } };
}

/** A commit hash as its first 12 characters; branch and tag names as they are. */
function shortRevision(revision) {
  return /^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 12) : revision;
}

function backLink(id, name) {
  return h('p', { class: 'breadcrumb' }, h('a', { href: `#/models/${encodeURIComponent(id)}` }, `← ${name ?? 'Model'}`));
}

function render(root, model, allVersions, datasets, registry, mode, navigate, isActive) {
  const evaluate = mode === 'evaluate';
  const verb = evaluate ? 'Evaluate' : 'Fine-tune';
  document.title = `${verb} ${model.name} · ModelCat`;
  const versions = versionsWithFiles(allVersions);
  const tasks = tasksFor(model, mode, registry);
  const heading = h('h1', { id: 'wizard-title' }, `${verb} ${model.name}`);
  const why = versions.length === 0
    ? 'This model has no version with files yet: import it first.'
    : tasks.length === 0 ? noTaskReason(mode, registry) : null;
  if (why) {
    replaceChildren(root, backLink(model.id, model.name), heading,
      h('div', { class: 'empty', id: 'wizard-unavailable' }, h('p', {}, why)));
    return;
  }

  // field name (as the API's errors name it) -> { input, error }
  const fields = new Map();
  const register = (name, input, error) => fields.set(name, { input, error });
  const fieldError = idBase => h('p', { id: `${idBase}-error`, class: 'field-error', hidden: true });

  // Step 1: version and task.
  const versionSelect = h('select', { id: 'wizard-version', 'aria-describedby': 'wizard-version-error' },
    versions.map(v => h('option', { value: String(v.versionNumber) },
      `v${v.versionNumber}${v.sourceRevision ? ` (${shortRevision(v.sourceRevision)})` : ''}${v.notes ? ` · ${v.notes}` : ''}`)));
  const versionError = fieldError('wizard-version');
  register('versionNumber', versionSelect, versionError);
  const taskSelect = h('select', { id: 'wizard-task', 'aria-describedby': 'wizard-task-hint wizard-task-error' },
    tasks.map(t => h('option', { value: t, selected: t === model.task }, t)));
  const taskError = fieldError('wizard-task');
  register('task', taskSelect, taskError);
  // Translation's languages pick the model's task prefix (T5: "translate English to German: ").
  const languageInput = (name, label, example) => {
    const input = h('input', { id: `wizard-${name}`, name, type: 'text', size: 8, placeholder: example,
      'aria-describedby': `wizard-${name}-error` });
    const error = fieldError(`wizard-${name}`);
    register(name, input, error);
    return { input, element: h('div', { class: 'field' }, h('label', { for: `wizard-${name}` }, label), input, error) };
  };
  const languages = [languageInput('sourceLanguage', 'Source language', 'en'),
    languageInput('targetLanguage', 'Target language', 'de')];
  const languageRow = h('div', { class: 'field-row', id: 'wizard-languages' }, languages.map(l => l.element),
    h('p', { class: 'hint' }, 'Optional language codes: they pick the model’s task prefix when it translates several ways.'));
  const showLanguages = () => { languageRow.hidden = taskSelect.value !== 'translation'; };
  taskSelect.addEventListener('change', showLanguages);
  showLanguages();

  // Step 2: data.
  const pickers = [];
  const refreshPickers = () => pickers.forEach(p => p.refresh());
  const mainPicker = datasetPicker({
    prefix: evaluate ? 'data' : 'train', field: evaluate ? 'datasetId' : 'trainDatasetId',
    label: evaluate ? '2. Test data' : '2. Training data',
    hint: evaluate ? 'The rows the model is scored on.' : 'The rows the model learns from.',
    datasets, preview: true,
    onChange: () => { refreshPickers(); buildMapping(); },
  });
  pickers.push(mainPicker);
  register(evaluate ? 'datasetId' : 'trainDatasetId', mainPicker.select, mainPicker.error);
  const extraPickers = evaluate ? [] : [
    datasetPicker({ prefix: 'validation', field: 'validationDatasetId', label: '4. Validation data', datasets,
      emptyLabel: 'Split automatically from the training data',
      hint: 'Scored after each epoch (and for early stopping). Automatic: a share of the training rows is held out.',
      onChange: () => { refreshPickers(); scheduleCheck(); } }),
    datasetPicker({ prefix: 'test', field: 'testDatasetId', label: '5. Test data', datasets,
      emptyLabel: 'Split automatically from the training data',
      hint: 'Scored once at the end: the final metrics. Automatic: a share of the training rows is held out.',
      onChange: () => { refreshPickers(); scheduleCheck(); } }),
  ];
  for (const picker of extraPickers) {
    pickers.push(picker);
    register(picker.select.name, picker.select, picker.error);
  }

  // Step 3: column mapping, rebuilt when the task or the dataset changes.
  const mappingBox = h('div', { id: 'mapping' });
  const mappingStatus = h('div', { id: 'mapping-status', role: 'status' });
  let mappingSelects = new Map();
  let checkSequence = 0;
  let checkTimer = null;

  function buildMapping() {
    for (const name of [...fields.keys()]) if (name.startsWith('mapping.')) fields.delete(name);
    mappingSelects = new Map();
    const preview = mainPicker.preview();
    replaceChildren(mappingStatus);
    if (!preview) {
      replaceChildren(mappingBox, h('p', { class: 'muted', id: 'mapping-empty' }, 'Choose or upload a dataset to map its columns.'));
      return;
    }
    const columns = (preview.columns ?? []).map(c => (typeof c === 'string' ? c : c.name));
    const inputs = registry.task(taskSelect.value)?.inputs ?? [];
    replaceChildren(mappingBox, h('div', { class: 'mapping-grid' }, inputs.map(input => {
      const select = h('select', { id: `mapping-${input.name}`, 'aria-describedby': `mapping-${input.name}-hint mapping-${input.name}-error` },
        h('option', { value: '' }, input.required ? '(choose a column)' : '(none)'),
        columns.map(c => h('option', { value: c, selected: c === input.name }, c)));
      const error = fieldError(`mapping-${input.name}`);
      select.addEventListener('change', scheduleCheck);
      mappingSelects.set(input.name, select);
      register(`mapping.${input.name}`, select, error);
      return h('div', { class: 'field' },
        h('label', { for: `mapping-${input.name}` }, h('code', {}, input.name), input.required ? '' : h('span', { class: 'muted' }, ' (optional)')),
        select,
        h('p', { id: `mapping-${input.name}-hint`, class: 'hint' }, `The column with ${input.description}`
          + (input.accepts?.length ? ` (${typesText(input.accepts)}).` : '.')),
        error);
    })));
    scheduleCheck();
  }

  function mapping() {
    const result = {};
    for (const [input, select] of mappingSelects) if (select.value) result[input] = select.value;
    return result;
  }

  function scheduleCheck() {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(runCheck, 250);
  }

  // The catalog checks the mapping on the main dataset as a job submission would: errors show at once.
  async function runCheck() {
    const datasetId = mainPicker.value();
    if (!datasetId || !mainPicker.preview() || !isActive()) return;
    const mine = ++checkSequence;
    replaceChildren(mappingStatus, h('p', { class: 'muted small' }, 'Checking the mapping…'));
    try {
      await checkMapping(datasetId, { task: taskSelect.value, mapping: mapping() });
      if (mine !== checkSequence) return;
      showErrors([], name => name.startsWith('mapping.'));
      replaceChildren(mappingStatus, h('p', { class: 'success small', id: 'mapping-ok' }, 'The mapping fits the dataset.'));
    } catch (error) {
      if (mine !== checkSequence) return;
      const known = showErrors(error.errors, name => name.startsWith('mapping.'));
      replaceChildren(mappingStatus, known.length === error.errors.length && known.length
        ? h('p', { class: 'field-error', id: 'mapping-invalid' }, 'The mapping does not fit the dataset: see the errors above.')
        : problemView(error));
    }
  }

  taskSelect.addEventListener('change', buildMapping);

  // Device.
  const deviceRadio = kind => h('input', { type: 'radio', name: 'device', id: `device-${kind}`, value: kind, checked: kind === 'cpu' });
  const deviceRadios = [deviceRadio('cpu'), deviceRadio('gpu')];
  const deviceError = fieldError('device');
  register('device', deviceRadios[0], deviceError);
  register('device.kind', deviceRadios[0], deviceError);
  register('device.count', deviceRadios[1], deviceError);

  // Options: the evaluation's settings, or the hyperparameters, with the registry's defaults, limits and help.
  const numberField = (idBase, setting, fieldName) => {
    const input = h('input', { id: idBase, type: 'number', inputmode: 'decimal', ...settingInput(setting), name: setting.name,
      'aria-describedby': `${idBase}-hint ${idBase}-error` });
    const error = fieldError(idBase);
    register(fieldName, input, error);
    return { input, element: h('div', { class: 'field' },
      h('label', { for: idBase }, settingLabel(setting.name)), input,
      h('p', { id: `${idBase}-hint`, class: 'hint' }, sentence(setting.description ?? setting.help)), error) };
  };
  // A list of names (LoRA's target modules) is a text field of comma-separated names; a flag is a checkbox.
  const advancedField = (idBase, setting, fieldName) => {
    const flag = setting.type === 'flag';
    const input = flag
      ? h('input', { id: idBase, type: 'checkbox', name: setting.name, checked: setting.default === true ? true : null,
        'aria-describedby': `${idBase}-hint ${idBase}-error` })
      : h('input', { id: idBase, type: 'text', name: setting.name, value: '', placeholder: 'q_proj, k_proj, v_proj, o_proj',
        autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${idBase}-hint ${idBase}-error` });
    const error = fieldError(idBase);
    register(fieldName, input, error);
    const label = h('label', { for: idBase, class: flag ? 'radio' : null }, flag ? [input, ` ${settingLabel(setting.name)}`] : settingLabel(setting.name));
    return { input, setting, advanced: true, element: h('div', { class: 'field' }, label, flag ? null : input,
      h('p', { id: `${idBase}-hint`, class: 'hint' }, sentence(setting.description ?? setting.help)), error) };
  };
  const isAdvanced = setting => setting.type === 'names' || setting.type === 'flag';
  const options = evaluate
    ? registry.evaluationSettings.map(setting => numberField(`eval-${setting.name}`, setting, setting.name))
    : registry.hyperparameters.map(setting => (isAdvanced(setting) ? advancedField : numberField)(`hp-${setting.name}`, setting, `hyperparameters.${setting.name}`));
  const advancedOptions = options.filter(o => o.advanced);

  const message = h('div', { id: 'wizard-message' });
  const submit = h('button', { type: 'submit', class: 'button primary', id: 'wizard-submit' }, evaluate ? 'Start the evaluation' : 'Start fine-tuning');
  let submitting = false;

  /** Shows the errors on fields that `scope` accepts; answers those it placed beside a field. */
  function showErrors(errors, scope = () => true) {
    const placed = [];
    const shown = new Set();
    for (const [name, { input, error }] of fields) {
      if (!scope(name)) continue;
      const messages = errors.filter(e => e.field === name).map(e => e.message);
      if (shown.has(error) && messages.length === 0) continue;
      error.textContent = messages.join(' ');
      error.hidden = messages.length === 0;
      if (messages.length) {
        input.setAttribute('aria-invalid', 'true');
        shown.add(error);
        placed.push(...errors.filter(e => e.field === name));
      } else {
        input.removeAttribute('aria-invalid');
      }
    }
    return placed;
  }

  /** A setting's value as the API takes it, or undefined to leave the default. */
  function optionValue({ input, setting, advanced }) {
    if (!advanced) return numberValue(input);
    if (setting.type === 'flag') return input.checked === (setting.default === true) ? undefined : input.checked;
    const names = input.value.split(/[\s,]+/).filter(name => name !== '');
    return names.length ? names : undefined;
  }

  function numberValue(input) {
    const text = input.value.trim();
    if (text === '') return undefined;
    const value = Number(text);
    return Number.isFinite(value) ? value : text; // the API names a value that is not a number
  }

  async function send() {
    if (submitting) return;
    replaceChildren(message);
    const device = deviceRadios.find(r => r.checked)?.value === 'gpu' ? { kind: 'gpu', count: 1 } : { kind: 'cpu' };
    const body = { modelId: model.id, versionNumber: Number(versionSelect.value), task: taskSelect.value, mapping: mapping(), device };
    if (evaluate) {
      body.datasetId = mainPicker.value();
      for (const { input } of options) if (numberValue(input) !== undefined) body[input.name] = numberValue(input);
    } else {
      body.trainDatasetId = mainPicker.value();
      if (extraPickers[0].value()) body.validationDatasetId = extraPickers[0].value();
      if (extraPickers[1].value()) body.testDatasetId = extraPickers[1].value();
      body.hyperparameters = {};
      for (const option of options) if (optionValue(option) !== undefined) body.hyperparameters[option.input.name] = optionValue(option);
    }
    if (taskSelect.value === 'translation') {
      for (const { input } of languages) if (input.value.trim() !== '') body[input.name] = input.value.trim();
    }
    const datasetField = evaluate ? 'datasetId' : 'trainDatasetId';
    if (!body[datasetField]) {
      showErrors([{ field: datasetField, message: 'Choose or upload a dataset.' }]);
      mainPicker.select.focus();
      return;
    }
    submitting = true;
    submit.disabled = true;
    submit.textContent = 'Submitting…';
    try {
      const job = await (evaluate ? submitEvaluation(body) : submitFinetune(body));
      if (isActive()) navigate(`/jobs/${encodeURIComponent(job.id)}`);
    } catch (error) {
      const placed = showErrors(error.errors);
      const first = [...fields.entries()].find(([name]) => error.errors.some(e => e.field === name));
      if (placed.length < error.errors.length || placed.length === 0) {
        replaceChildren(message, problemView(error));
      } else {
        replaceChildren(message, h('p', { class: 'field-error', role: 'alert', id: 'wizard-invalid' },
          `${error.errors.length === 1 ? 'One field needs' : `${error.errors.length} fields need`} a change: see the messages beside them.`));
      }
      first?.[1].input.focus();
    } finally {
      submitting = false;
      submit.disabled = false;
      submit.textContent = evaluate ? 'Start the evaluation' : 'Start fine-tuning';
    }
  }

  const step = (number, label, ...children) => h('fieldset', { class: 'wizard-step' }, h('legend', {}, `${number}. ${label}`), ...children);
  const form = h('form', { id: 'wizard-form', class: 'wizard', novalidate: true, onsubmit: event => { event.preventDefault(); send(); } },
    step(1, 'Model version and task',
      h('div', { class: 'field-row' },
        h('div', { class: 'field' }, h('label', { for: 'wizard-version' }, 'Version'), versionSelect,
          h('p', { class: 'hint' }, 'Versions with files (imported or fine-tuned).'), versionError),
        h('div', { class: 'field' }, h('label', { for: 'wizard-task' }, 'Task'), taskSelect,
          h('p', { id: 'wizard-task-hint', class: 'hint' }, evaluate
            ? 'The model’s task or one of its fine-tuning tasks that the engine runs.'
            : 'One of the model’s fine-tuning tasks that the engine runs.'), taskError)),
      languageRow),
    mainPicker.element,
    step(3, 'Column mapping', h('p', { class: 'hint' }, 'Which column feeds each input of the task. Columns named like an input are chosen for you.'),
      mappingBox, mappingStatus),
    extraPickers.map(p => p.element),
    evaluate ? null : step(6, 'Hyperparameters', h('div', { class: 'hp-grid' }, options.filter(o => !o.advanced).map(o => o.element)),
      advancedOptions.length ? h('details', { class: 'hp-advanced', id: 'hp-advanced' },
        h('summary', {}, 'Advanced: LoRA layers and export'),
        h('div', { class: 'hp-grid' }, advancedOptions.map(o => o.element))) : null),
    step(evaluate ? 4 : 7, evaluate ? 'Device and options' : 'Device',
      h('div', { class: 'field', role: 'radiogroup', 'aria-labelledby': 'device-label', 'aria-describedby': 'device-error' },
        h('p', { id: 'device-label', class: 'field-label' }, 'Run on'),
        h('div', { class: 'radio-row' },
          h('label', { class: 'radio' }, deviceRadios[0], ' CPU'),
          h('label', { class: 'radio' }, deviceRadios[1], ' GPU (one)')),
        h('p', { class: 'hint' }, 'A GPU job waits for a runner with a free GPU.'),
        deviceError),
      evaluate ? h('div', { class: 'field-row' }, options.map(o => o.element)) : null),
    message,
    h('div', { class: 'wizard-actions' },
      h('a', { href: `#/models/${encodeURIComponent(model.id)}`, class: 'button' }, 'Cancel'), submit));

  replaceChildren(root, h('article', { class: 'wizard-page' },
    backLink(model.id, model.name), heading,
    h('p', { class: 'muted' }, evaluate
      ? 'Score a version of this model on your data. The job runs on a runner; its metrics and sample predictions appear on the job’s page.'
      : 'Train a version of this model further on your data. The job runs on a runner; register the result as a new model when it has succeeded.'),
    form));
  buildMapping();
}
