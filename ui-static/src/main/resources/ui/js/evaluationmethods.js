// The evaluation methods of a bulk test as rows the reader adds and removes: the method, the output it evaluates, the
// dataset column of ground truth and, for an LLM judge, its model, aspect and rubric (shown: the aspect's default
// until the reader changes it). The methods and aspects come from GET /api/v1/evaluation-methods.
import { h, replaceChildren } from './dom.js';

const NO_CATALOG = 'The evaluation methods could not be loaded: reload the page to add one.';
/**
 * The editor, with ids starting with `prefix`. `flow` gives the outputs (its steps and 'output'); `columns()` the
 * dataset's columns now (call `refresh()` when they change); `models` the mesh's model ids for a judge; `catalog` the
 * API's evaluation methods and aspects ({ methods, aspects }); `initial` the methods to start with. Returns { element, value(), register(errors), refresh() }: `register` puts each row's
 * controls into a FieldErrors under `evaluations[i].…` as the rows stand now.
 */
export function evaluationEditor({ prefix, flow, columns, models, catalog, initial = [] }) {
  const methods = catalog?.methods ?? [];
  const aspects = catalog?.aspects ?? [];
  const rubricOf = name => aspects.find(a => a.name === name)?.defaultRubric ?? '';
  const rows = [];
  let serial = 0;
  const list = h('div', { class: 'evaluation-rows', id: `${prefix}-rows` });
  const empty = h('p', { class: 'muted', id: `${prefix}-none` }, 'No evaluation methods: the test only runs the flow.');
  const addButton = h('button', { type: 'button', class: 'button', id: `${prefix}-add`, 'aria-describedby': `${prefix}-add-error` },
    'Add an evaluation method');
  const addButtonError = h('p', { id: `${prefix}-add-error`, class: 'field-error', hidden: true });
  const outputs = ['output', ...(flow.steps ?? []).map(s => s.name)];

  function columnOptions(select, chosen, emptyLabel) {
    const names = columns();
    const keep = chosen && !names.includes(chosen);
    replaceChildren(select, h('option', { value: '' }, emptyLabel),
      keep ? h('option', { value: chosen, selected: true }, chosen) : null,
      names.map(c => h('option', { value: c, selected: c === chosen }, c)));
  }

  function addRow(method = null) {
    const id = `${prefix}-${++serial}`;
    const row = { id, errors: {} };
    const control = (key, input) => {
      const error = h('p', { id: `${id}-${key}-error`, class: 'field-error', hidden: true });
      input.setAttribute('aria-describedby', `${id}-${key}-error`);
      row.errors[key] = { input, error };
      return error;
    };
    row.method = h('select', { id: `${id}-method` }, methods.map(m =>
      h('option', { value: m.name, selected: m.name === (method?.method ?? methods[0]?.name) }, m.title)));
    row.methodHint = h('p', { class: 'hint', id: `${id}-method-hint` });
    row.output = h('select', { id: `${id}-output` }, outputs.map(o =>
      h('option', { value: o, selected: o === (method?.output ?? 'output') }, o === 'output' ? 'output (the last step\'s)' : o)));
    row.groundTruth = h('select', { id: `${id}-ground-truth` });
    row.wantedTruth = method?.groundTruth ?? null;
    row.model = h('select', { id: `${id}-model` }, h('option', { value: '' }, models.length ? 'Choose a model…' : 'No models offered'),
      method?.model && !models.includes(method.model) ? h('option', { value: method.model, selected: true }, method.model) : null,
      models.map(m => h('option', { value: m, selected: m === method?.model }, m)));
    row.aspect = h('select', { id: `${id}-aspect` }, aspects.map(a =>
      h('option', { value: a.name, selected: a.name === (method?.aspect ?? aspects[0]?.name) }, a.name)));
    row.rubric = h('textarea', { id: `${id}-rubric`, rows: '4', class: 'code-input', spellcheck: 'false',
      placeholder: 'Empty: the default rubric of the aspect' });
    // The aspect's default rubric is shown, and follows the aspect, until the reader writes their own.
    row.rubric.value = method?.rubric ?? rubricOf(row.aspect.value);
    row.aspect.addEventListener('change', () => {
      if (!row.rubric.value.trim() || aspects.some(a => a.defaultRubric === row.rubric.value)) {
        row.rubric.value = rubricOf(row.aspect.value);
      }
    });
    const field = (key, label, input, hint) => h('div', { class: 'field' }, h('label', { for: input.id }, label), input,
      hint ? h('p', { class: 'hint' }, hint) : null, control(key, input));
    row.modelLabel = h('label', { for: row.model.id }, 'Model');
    const modelBox = h('div', { class: 'field' }, row.modelLabel, row.model, control('model', row.model));
    row.aspectBox = field('aspect', 'Aspect', row.aspect);
    row.rubricBox = field('rubric', 'Rubric', row.rubric, 'The aspect\'s default rubric until you change it (empty: the default). A Jinja '
      + 'template the judge answers with a score from 1 to 5; it sees answer, ground_truth, inputs, outputs and each input '
      + 'and output by name.');
    // A method that calls a model through the mesh (a judge, an embedding model) names it; only a judge has an aspect
    // and a rubric.
    const judgeBox = h('div', { class: 'evaluation-judge' },
      h('div', { class: 'field-row' }, modelBox, row.aspectBox), row.rubricBox);
    const truthField = field('groundTruth', 'Ground-truth column', row.groundTruth);
    const remove = h('button', { type: 'button', class: 'button small danger', id: `${id}-remove` }, 'Remove');
    const legend = h('legend', {});
    row.legend = legend;
    row.element = h('fieldset', { class: 'evaluation-row', dataset: { evaluation: id } }, legend,
      h('div', { class: 'field-row' }, h('div', { class: 'field' }, h('label', { for: row.method.id }, 'Method'), row.method,
        row.methodHint, control('method', row.method)), field('output', 'Output evaluated', row.output), truthField),
      judgeBox, remove);
    const showJudge = () => {
      const chosen = methods.find(m => m.name === row.method.value);
      const judge = row.method.value === 'llm-judge';
      judgeBox.hidden = !chosen?.needsModel;
      row.aspectBox.hidden = !judge;
      row.rubricBox.hidden = !judge;
      replaceChildren(row.modelLabel, judge ? 'Judge model' : 'Embedding model');
      replaceChildren(row.methodHint, chosen ? chosen.description : '');
      columnOptions(row.groundTruth, row.groundTruth.value || row.wantedTruth,
        chosen && !chosen.needsGroundTruth ? 'None' : 'Choose a column…');
    };
    row.method.addEventListener('change', showJudge);
    row.groundTruth.addEventListener('change', () => { row.wantedTruth = row.groundTruth.value || null; });
    row.showJudge = showJudge;
    showJudge();
    remove.addEventListener('click', () => {
      rows.splice(rows.indexOf(row), 1);
      row.element.remove();
      renumber();
      addButton.focus();
    });
    rows.push(row);
    list.append(row.element);
    renumber();
    return row;
  }

  function renumber() {
    rows.forEach((row, i) => replaceChildren(row.legend, `Evaluation method ${i + 1}`));
    empty.hidden = rows.length > 0;
  }

  addButton.addEventListener('click', () => addRow().method.focus());
  if (!methods.length) {
    addButton.disabled = true;
    replaceChildren(addButtonError, NO_CATALOG);
    addButtonError.hidden = false;
  }
  for (const method of initial) addRow(method);
  renumber();

  return {
    element: h('div', { class: 'evaluation-editor' }, empty, list, addButton, addButtonError),
    value: () => rows.map(row => {
      const judge = row.method.value === 'llm-judge';
      const needsModel = methods.find(m => m.name === row.method.value)?.needsModel;
      return {
        method: row.method.value,
        output: row.output.value,
        groundTruth: row.groundTruth.value || undefined,
        model: needsModel ? row.model.value || null : undefined,
        aspect: judge ? row.aspect.value : undefined,
        // The default as shown is sent as none: the test then says it used the aspect's default.
        rubric: judge && row.rubric.value.trim() && row.rubric.value !== rubricOf(row.aspect.value) ? row.rubric.value : undefined,
      };
    }),
    register(errors) {
      errors.remove('evaluations');
      rows.forEach((row, i) => {
        for (const [key, entry] of Object.entries(row.errors)) errors.fields.set(`evaluations[${i}].${key}`, entry);
      });
      errors.fields.set('evaluations', { input: addButton, error: addButtonError });
    },
    refresh: () => rows.forEach(row => row.showJudge()),
  };
}
