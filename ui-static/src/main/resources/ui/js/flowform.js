// The form that saves a prompt flow (docs/flows.md): its name, description and inputs, and its steps, each with one or
// more variants (model, system and prompt templates, temperature, max tokens, how the answer is read). Steps and
// variants are added and removed in place; a 400's field errors show beside the fields they name.
import { createFlow, updateFlow } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';
import { FieldErrors, numberValue } from './fielderrors.js';

export const PARSER_TYPES = [
  ['text', 'Text'],
  ['json-field', 'JSON field'],
  ['label', 'Label'],
];

/** The labels of a label parser as typed: separated by commas or new lines, trimmed, blanks dropped. */
export function labelList(text) {
  return String(text ?? '').split(/[,\n]/).map(label => label.trim()).filter(Boolean);
}

/**
 * The API's field errors as this form shows them: the inputs are typed in one box and a label parser's labels in
 * another, so `inputs[1]` and `…parser.labels[0]` are shown on those boxes, saying which entry they mean.
 */
export function formFieldErrors(errors, inputs = []) {
  return (errors ?? []).map(e => {
    const field = String(e.field ?? '');
    const input = /^inputs\[(\d+)]$/.exec(field);
    if (input) return { ...e, field: 'inputs', message: `'${inputs[Number(input[1])] ?? input[1]}' ${e.message}` };
    const label = /^(.*\.parser\.labels)\[(\d+)]$/.exec(field);
    if (label) return { ...e, field: label[1], message: `label ${Number(label[2]) + 1} ${e.message}` };
    return e;
  });
}

let formSerial = 0;

/**
 * The form for a new flow (`flow` null) or for changing `flow` (its name stays). `models` are the mesh's model ids
 * ('<connection>/<model>'); `onSaved(flow)` gets the flow as saved; `onCancel`, when given, adds a Cancel button.
 */
export function flowForm({ flow = null, models = [], onSaved, onCancel = null }) {
  const serial = ++formSerial;
  const prefix = flow ? 'flow-edit' : 'flow-new';
  const controls = []; // { field (API name, refreshed before each submit), input, error }
  const control = (input, idBase) => {
    const error = h('p', { id: `${idBase}-error`, class: 'field-error', hidden: true });
    input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') ?? ''} ${idBase}-error`.trim());
    const entry = { field: null, input, error };
    controls.push(entry);
    return entry;
  };
  const text = (id, attributes = {}) => h('input', { id, type: 'text', autocomplete: 'off', spellcheck: 'false', ...attributes });
  const field = (id, label, input, entry, hint) => h('div', { class: 'field' },
    h('label', { for: id }, label), input, hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null, entry?.error);

  const nameInput = text(`${prefix}-name`, { maxlength: '63', value: flow?.name ?? '', disabled: Boolean(flow) });
  const name = control(nameInput, `${prefix}-name`);
  const descriptionInput = text(`${prefix}-description`, { maxlength: '2000', value: flow?.description ?? '' });
  const description = control(descriptionInput, `${prefix}-description`);
  const inputsInput = text(`${prefix}-inputs`, { value: (flow?.inputs ?? []).join(', '), placeholder: 'question, context' });
  const inputs = control(inputsInput, `${prefix}-inputs`);
  const stepsBox = h('div', { class: 'flow-steps' });
  const addStepButton = h('button', { type: 'button', class: 'button', id: `${prefix}-add-step` }, 'Add a step');
  const stepsEntry = control(addStepButton, `${prefix}-steps`);
  const steps = []; // { element, nameInput, nameEntry, variants: [...], addVariant, variantsEntry, serial }
  let stepSerial = 0;

  function modelSelect(id, chosen) {
    const known = models.includes(chosen) || !chosen;
    return h('select', { id },
      h('option', { value: '' }, models.length ? 'Choose a model…' : 'No models: an admin adds an LLM connection'),
      known ? null : h('option', { value: chosen, selected: true }, `${chosen} (not offered now)`),
      models.map(m => h('option', { value: m, selected: m === chosen }, m)));
  }

  function addVariant(step, variant = null) {
    const id = `${prefix}-step${step.serial}-v${++step.variantSerial}`;
    const v = { id };
    v.nameInput = text(`${id}-name`, { maxlength: '64', value: variant?.name ?? `v${step.variants.length + 1}` });
    v.nameEntry = control(v.nameInput, `${id}-name`);
    v.model = modelSelect(`${id}-model`, variant?.model ?? '');
    v.modelEntry = control(v.model, `${id}-model`);
    v.system = h('textarea', { id: `${id}-system`, rows: '2', spellcheck: 'false', class: 'code-input' });
    v.system.value = variant?.system ?? '';
    v.systemEntry = control(v.system, `${id}-system`);
    v.prompt = h('textarea', { id: `${id}-prompt`, rows: '4', spellcheck: 'false', class: 'code-input' });
    v.prompt.value = variant?.prompt ?? '';
    v.promptEntry = control(v.prompt, `${id}-prompt`);
    v.temperature = text(`${id}-temperature`, { inputmode: 'decimal', placeholder: 'provider default',
      value: variant?.temperature ?? '' });
    v.temperatureEntry = control(v.temperature, `${id}-temperature`);
    v.maxTokens = text(`${id}-max-tokens`, { inputmode: 'numeric', placeholder: 'provider default', value: variant?.maxTokens ?? '' });
    v.maxTokensEntry = control(v.maxTokens, `${id}-max-tokens`);
    const parserType = variant?.parser?.type ?? 'text';
    v.parser = h('select', { id: `${id}-parser` }, PARSER_TYPES.map(([value, label]) => h('option', { value, selected: value === parserType }, label)));
    v.parserEntry = control(v.parser, `${id}-parser`);
    v.field = text(`${id}-parser-field`, { value: variant?.parser?.field ?? '', placeholder: 'answer' });
    v.fieldEntry = control(v.field, `${id}-parser-field`);
    v.labels = text(`${id}-parser-labels`, { value: (variant?.parser?.labels ?? []).join(', '), placeholder: 'positive, negative' });
    v.labelsEntry = control(v.labels, `${id}-parser-labels`);
    const fieldBox = field(`${id}-parser-field`, 'JSON field', v.field, v.fieldEntry, 'The field of the answer\'s JSON object that is the output.');
    const labelsBox = field(`${id}-parser-labels`, 'Labels', v.labels, v.labelsEntry, 'Separated by commas; the output is the first one the answer names.');
    const showParser = () => {
      fieldBox.hidden = v.parser.value !== 'json-field';
      labelsBox.hidden = v.parser.value !== 'label';
    };
    v.parser.addEventListener('change', showParser);
    showParser();
    const remove = h('button', { type: 'button', class: 'button small danger', id: `${id}-remove` }, 'Remove variant');
    v.legend = h('legend', {});
    v.element = h('fieldset', { class: 'flow-variant', dataset: { variant: id } }, v.legend,
      h('div', { class: 'field-row' },
        field(`${id}-name`, 'Variant name', v.nameInput, v.nameEntry),
        field(`${id}-model`, 'Model', v.model, v.modelEntry)),
      field(`${id}-system`, 'System message (optional)', v.system, v.systemEntry),
      field(`${id}-prompt`, 'Prompt', v.prompt, v.promptEntry,
        'A Jinja template: {{ name }} puts in an input or an earlier step\'s output.'),
      h('div', { class: 'field-row' },
        field(`${id}-temperature`, 'Temperature (0 to 2)', v.temperature, v.temperatureEntry),
        field(`${id}-max-tokens`, 'Max tokens', v.maxTokens, v.maxTokensEntry),
        field(`${id}-parser`, 'Output', v.parser, v.parserEntry,
          'Text: the answer as it is; JSON field: one field of a JSON answer; Label: the first label the answer names.')),
      h('div', { class: 'field-row' }, fieldBox, labelsBox),
      remove);
    remove.addEventListener('click', () => {
      step.variants.splice(step.variants.indexOf(v), 1);
      forget(v);
      v.element.remove();
      renumber();
      step.addVariant.focus();
    });
    step.variants.push(v);
    step.variantsBox.append(v.element);
    renumber();
    return v;
  }

  function addStep(definition = null) {
    const serialOfStep = ++stepSerial;
    const id = `${prefix}-step${serialOfStep}`;
    const step = { serial: serialOfStep, variantSerial: 0, variants: [] };
    step.nameInput = text(`${id}-name`, { maxlength: '64', value: definition?.name ?? (steps.length ? `step${steps.length + 1}` : 'answer') });
    step.nameEntry = control(step.nameInput, `${id}-name`);
    step.variantsBox = h('div', { class: 'flow-variants' });
    step.addVariant = h('button', { type: 'button', class: 'button small', id: `${id}-add-variant` }, 'Add a variant');
    step.variantsEntry = control(step.addVariant, `${id}-variants`);
    step.addVariant.addEventListener('click', () => addVariant(step).nameInput.focus());
    const remove = h('button', { type: 'button', class: 'button small danger', id: `${id}-remove` }, 'Remove step');
    remove.addEventListener('click', () => {
      steps.splice(steps.indexOf(step), 1);
      forget(step);
      step.variants.forEach(forget);
      step.element.remove();
      renumber();
      addStepButton.focus();
    });
    step.legend = h('legend', {});
    step.element = h('fieldset', { class: 'wizard-step flow-step', dataset: { step: id } }, step.legend,
      field(`${id}-name`, 'Step name', step.nameInput, step.nameEntry,
        'Later steps and the evaluation methods refer to its output by this name.'),
      step.variantsBox,
      h('div', { class: 'flow-step-actions' }, step.addVariant, ' ', remove, step.variantsEntry.error));
    steps.push(step);
    stepsBox.append(step.element);
    for (const variant of definition?.variants ?? [null]) addVariant(step, variant);
    renumber();
    return step;
  }

  // A removed step or variant's controls take no more errors.
  function forget(part) {
    for (const entry of Object.values(part)) {
      const i = controls.indexOf(entry);
      if (i >= 0) controls.splice(i, 1);
    }
  }

  function renumber() {
    steps.forEach((step, i) => {
      replaceChildren(step.legend, `Step ${i + 1}`);
      step.variants.forEach((v, j) => replaceChildren(v.legend, `Variant ${j + 1}`, j === 0 ? ' (the default)' : ''));
    });
  }

  /** Each control's API field name, from the steps' and variants' places now. */
  function nameFields() {
    name.field = 'name';
    description.field = 'description';
    inputs.field = 'inputs';
    stepsEntry.field = 'steps';
    steps.forEach((step, i) => {
      const s = `steps[${i}]`;
      step.nameEntry.field = `${s}.name`;
      step.variantsEntry.field = `${s}.variants`;
      step.variants.forEach((v, j) => {
        const p = `${s}.variants[${j}]`;
        v.nameEntry.field = `${p}.name`;
        v.modelEntry.field = `${p}.model`;
        v.systemEntry.field = `${p}.system`;
        v.promptEntry.field = `${p}.prompt`;
        v.temperatureEntry.field = `${p}.temperature`;
        v.maxTokensEntry.field = `${p}.maxTokens`;
        v.parserEntry.field = `${p}.parser.type`;
        v.fieldEntry.field = `${p}.parser.field`;
        v.labelsEntry.field = `${p}.parser.labels`;
      });
    });
  }

  function body() {
    const body = {
      description: descriptionInput.value.trim() || undefined,
      inputs: labelList(inputsInput.value),
      steps: steps.map(step => ({
        name: step.nameInput.value.trim(),
        variants: step.variants.map(v => {
          const type = v.parser.value;
          return {
            name: v.nameInput.value.trim(),
            model: v.model.value || null,
            system: v.system.value.trim() ? v.system.value : undefined,
            prompt: v.prompt.value,
            temperature: numberValue(v.temperature),
            maxTokens: numberValue(v.maxTokens),
            parser: type === 'text' ? undefined
              : type === 'json-field' ? { type, field: v.field.value.trim() }
                : { type, labels: labelList(v.labels.value) },
          };
        }),
      })),
    };
    if (!flow) body.name = nameInput.value.trim();
    return body;
  }

  addStepButton.addEventListener('click', () => addStep().nameInput.focus());
  for (const step of flow?.steps ?? [null]) addStep(step);

  const submit = h('button', { type: 'submit', class: 'button primary', id: `${prefix}-submit` }, flow ? 'Save changes' : 'Save flow');
  const cancel = onCancel ? h('button', { type: 'button', class: 'button', id: `${prefix}-cancel` }, 'Cancel') : null;
  cancel?.addEventListener('click', onCancel);
  const status = h('div', { id: `${prefix}-status`, role: 'status' });
  const form = h('form', { id: prefix, class: 'wizard flow-form', novalidate: true, dataset: { serial } },
    h('fieldset', { class: 'wizard-step' }, h('legend', {}, 'Flow'),
      h('div', { class: 'field-row' },
        field(`${prefix}-name`, 'Name', nameInput, name, flow ? 'A flow keeps its name.' : 'Letters, digits, "_" and "-"; at most 63.'),
        field(`${prefix}-description`, 'Description (optional)', descriptionInput, description)),
      field(`${prefix}-inputs`, 'Inputs', inputsInput, inputs,
        'The names of a row\'s values, separated by commas: the templates use them, and a bulk test maps them to dataset columns.')),
    stepsBox,
    h('p', {}, addStepButton, stepsEntry.error),
    h('div', { class: 'wizard-actions' }, submit, cancel),
    status);

  form.addEventListener('submit', async event => {
    event.preventDefault();
    replaceChildren(status);
    nameFields();
    const errors = new FieldErrors();
    for (const entry of controls) errors.fields.set(entry.field, entry);
    const request = body();
    submit.disabled = true;
    try {
      const saved = flow ? await updateFlow(flow.name, request) : await createFlow(request);
      errors.show([]);
      onSaved(saved);
    } catch (error) {
      const left = errors.show(formFieldErrors(error.errors, request.inputs));
      if (left.length || !error.errors?.length) replaceChildren(status, problemView({ ...error, errors: left }));
      else replaceChildren(status, h('p', { class: 'field-error', id: `${prefix}-invalid` }, 'Not saved: see the errors above.'));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
