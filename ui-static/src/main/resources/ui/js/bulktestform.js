// A flow page's "Bulk test" form: a dataset (chosen or uploaded), the column feeding each flow input (the column of
// the input's name when there is one), the step whose variants are compared and which, concurrency, the error
// threshold and the evaluation methods. Field errors of the 400 show beside their fields.
import { createBulkTest, getEvaluationMethods, listDatasets } from './api.js';
import { datasetPicker } from './datasetpicker.js';
import { h, problemView, replaceChildren } from './dom.js';
import { evaluationEditor } from './evaluationmethods.js';
import { FieldErrors, numberValue } from './fielderrors.js';

/** The step a bulk test compares unless the reader picks another: the first with several variants, else none. */
export function defaultVariantStep(flow) {
  return (flow.steps ?? []).find(step => (step.variants ?? []).length > 1)?.name ?? '';
}

/** The column a flow input reads unless the reader picks another: the one of its name (ignoring case), else none. */
export function defaultColumn(input, columns) {
  return columns.find(c => c === input) ?? columns.find(c => c.toLowerCase() === input.toLowerCase()) ?? '';
}

/** The form for `flow`; `models` are the mesh's ids (for a judge); `onCreated(test)`. Answers a promise of the form. */
export async function bulkTestForm(flow, models, onCreated) {
  const [listed, catalog] = await Promise.all([listDatasets(), getEvaluationMethods().catch(() => null)]);
  const datasets = listed?.items ?? [];
  const errors = new FieldErrors();
  let dataset = null;
  const mappingBox = h('div', { id: 'bulk-mapping' });
  let mappingSelects = new Map();
  const columns = () => (dataset?.columns ?? []).map(c => c.name);

  const picker = datasetPicker({ prefix: 'bulk', field: 'datasetId', label: 'Dataset', datasets, preview: true,
    hint: 'The rows to run the flow on: every row of the file.',
    onChange: chosen => { dataset = chosen; fillMapping(); evaluations.refresh(); } });
  errors.fields.set('datasetId', { input: picker.select, error: picker.error });

  // Rebuilt when the dataset changes; a column already chosen for an input stays chosen when the new dataset has it.
  function fillMapping() {
    const before = new Map([...mappingSelects].map(([input, select]) => [input, select.value]));
    errors.remove('inputColumns.');
    mappingSelects = new Map();
    if (!dataset) {
      replaceChildren(mappingBox, h('p', { class: 'muted', id: 'bulk-mapping-empty' }, 'Choose or upload a dataset to map its columns.'));
      return;
    }
    const names = columns();
    replaceChildren(mappingBox, (flow.inputs ?? []).length === 0 ? h('p', { class: 'muted' }, 'The flow has no inputs.')
      : h('div', { class: 'mapping-grid' }, (flow.inputs ?? []).map((input, i) => {
        const id = `bulk-mapping-${i}`;
        const wanted = names.includes(before.get(input)) ? before.get(input) : defaultColumn(input, names);
        const select = h('select', { id, name: input }, h('option', { value: '' }, 'Choose a column…'),
          names.map(c => h('option', { value: c, selected: c === wanted }, c)));
        mappingSelects.set(input, select);
        return h('div', { class: 'field' }, h('label', { for: id }, h('code', {}, input)), select,
          errors.add(`inputColumns.${input}`, select, id));
      })));
  }

  const stepSelect = h('select', { id: 'bulk-variant-step' },
    h('option', { value: '' }, 'None: each step\'s first variant, once'),
    (flow.steps ?? []).map(step => h('option', { value: step.name, selected: step.name === defaultVariantStep(flow) },
      `${step.name} (${(step.variants ?? []).length} ${(step.variants ?? []).length === 1 ? 'variant' : 'variants'})`)));
  const stepError = errors.add('variantStep', stepSelect, 'bulk-variant-step');
  const variantsBox = h('fieldset', { class: 'checkbox-group', id: 'bulk-variants' });
  const variantsError = h('p', { id: 'bulk-variants-error', class: 'field-error', hidden: true });
  let variantChecks = [];
  function fillVariants() {
    errors.remove('variants');
    const step = (flow.steps ?? []).find(s => s.name === stepSelect.value);
    variantChecks = (step?.variants ?? []).map((v, i) => {
      const id = `bulk-variant-${i}`;
      const box = h('input', { id, type: 'checkbox', value: v.name, checked: true, 'aria-describedby': 'bulk-variants-error' });
      errors.fields.set(`variants[${i}]`, { input: box, error: variantsError });
      return { box, element: h('label', { class: 'radio', for: id }, box, ' ', v.name, h('span', { class: 'muted small' }, ` ${v.model}`)) };
    });
    errors.fields.set('variants', { input: variantChecks[0]?.box ?? stepSelect, error: variantsError });
    variantsBox.hidden = !step;
    replaceChildren(variantsBox, h('legend', { class: 'field-label' }, 'Variants compared (each runs over every row)'),
      h('div', { class: 'radio-row' }, variantChecks.map(c => c.element)), variantsError);
  }
  stepSelect.addEventListener('change', fillVariants);
  fillVariants();

  const concurrency = h('input', { id: 'bulk-concurrency', type: 'number', inputmode: 'numeric', min: '1', step: '1' });
  const threshold = h('input', { id: 'bulk-error-threshold', type: 'number', inputmode: 'numeric', min: '-1', step: '1' });
  const evaluations = evaluationEditor({ prefix: 'bulk-evaluation', flow, columns, models, catalog });

  const submit = h('button', { type: 'submit', class: 'button primary', id: 'bulk-submit' }, 'Start the bulk test');
  const status = h('div', { id: 'bulk-status', role: 'status' });
  const form = h('form', { id: 'bulk-test-form', class: 'wizard', novalidate: true },
    picker.element,
    h('fieldset', { class: 'wizard-step' }, h('legend', {}, 'Input columns'),
      h('p', { class: 'hint' }, 'Which column feeds each input of the flow. Columns named like an input are chosen for you.'), mappingBox),
    h('fieldset', { class: 'wizard-step' }, h('legend', {}, 'Variants'),
      h('div', { class: 'field' }, h('label', { for: 'bulk-variant-step' }, 'Compare the variants of'), stepSelect,
        h('p', { class: 'hint' }, 'Each chosen variant of this step runs over every row (the other steps run their first variant); '
          + 'the results compare side by side.'), stepError),
      variantsBox),
    h('fieldset', { class: 'wizard-step' }, h('legend', {}, 'Settings'), h('div', { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: 'bulk-concurrency' }, 'Concurrency'), concurrency,
        h('p', { class: 'hint' }, 'LLM calls at once; empty for the service\'s default.'),
        errors.add('concurrency', concurrency, 'bulk-concurrency')),
      h('div', { class: 'field' }, h('label', { for: 'bulk-error-threshold' }, 'Error threshold'), threshold,
        h('p', { class: 'hint' }, 'Rows that may fail before the test stops; -1 tolerates any number; empty for the default.'),
        errors.add('errorThreshold', threshold, 'bulk-error-threshold')))),
    h('fieldset', { class: 'wizard-step' }, h('legend', {}, 'Evaluation methods'),
      h('p', { class: 'hint' }, 'Each compares an output with a ground-truth column, or has an LLM judge score it. '
        + 'They can be applied again later without running the flow again.'), evaluations.element),
    h('div', { class: 'wizard-actions' }, submit),
    status);

  form.addEventListener('submit', async event => {
    event.preventDefault();
    replaceChildren(status);
    evaluations.register(errors);
    const inputColumns = {};
    for (const [input, select] of mappingSelects) if (select.value) inputColumns[input] = select.value;
    const body = {
      flow: flow.name,
      datasetId: picker.value(),
      inputColumns,
      variantStep: stepSelect.value || undefined,
      variants: stepSelect.value ? variantChecks.filter(c => c.box.checked).map(c => c.box.value) : undefined,
      concurrency: numberValue(concurrency),
      errorThreshold: numberValue(threshold),
      evaluations: evaluations.value(),
    };
    submit.disabled = true;
    try {
      const test = await createBulkTest(body);
      errors.show([]);
      onCreated(test);
    } catch (error) {
      const left = errors.show(error.errors ?? []);
      if (left.length || !error.errors?.length) replaceChildren(status, problemView({ ...error, errors: left }));
      else replaceChildren(status, h('p', { class: 'field-error', id: 'bulk-invalid' }, 'Not started: see the errors above.'));
    } finally {
      submit.disabled = false;
    }
  });
  fillMapping();
  return form;
}
