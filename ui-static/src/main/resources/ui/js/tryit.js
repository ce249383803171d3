// The model card's "Try it" box: the inputs the task registry names for the model's task, sent to
// POST /api/v1/models/{id}/predict, and the prediction shown as text (never as HTML).
import { predict } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';
import { can, needsRole } from './session.js';
import { sentence } from './tasks.js';

/** The section, or null when the engine has no sample inference for the model's task (from the task registry). */
export function tryItSection(model, hasFiles, registry) {
  if (!registry.runs(model.task, 'predict')) return null;
  const inputs = registry.task(model.task).predictInputs ?? [];
  const sample = (model.samples ?? [])[0] ?? {};
  // One box per input the task takes, filled from the first sample input; its description is the hint.
  const fields = inputs.map(input => {
    const id = `tryit-${input.name}`;
    return h('div', { class: 'field' },
      h('label', { for: id }, inputLabel(input.name), input.required ? '' : h('span', { class: 'muted' }, ' (optional)')),
      h('textarea', { id, name: input.name, rows: '3', 'aria-describedby': `${id}-hint` },
        typeof sample[input.name] === 'string' ? sample[input.name] : ''),
      h('p', { id: `${id}-hint`, class: 'hint' }, sentence(input.description)));
  });
  const result = h('div', { id: 'tryit-result', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'button primary', id: 'tryit-submit' }, 'Run');
  const form = h('form', { id: 'tryit-form', class: 'tryit', novalidate: true }, fields,
    h('div', { class: 'form-actions' }, button));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const box = input => form.querySelector(`#tryit-${input.name}`);
    const body = {};
    for (const input of inputs) {
      const value = box(input)?.value ?? '';
      if (value !== '' || input.required) body[input.name] = value;
    }
    const missing = inputs.filter(input => input.required && !body[input.name].trim());
    if (missing.length) {
      replaceChildren(result, h('p', { class: 'field-error', id: 'tryit-missing', role: 'alert' },
        `Enter ${missing.map(input => inputLabel(input.name).toLowerCase()).join(' and ')} to run the model.`));
      box(missing[0]).focus();
      return;
    }
    if (model.task === 'text-generation') body.generation = { maxNewTokens: 30 };
    button.disabled = true;
    replaceChildren(result, h('p', { class: 'loading' }, 'Running on a worker…'));
    try {
      const job = await predict(model.id, body);
      replaceChildren(result, predictionView(model.task, job.result?.prediction),
        h('p', { class: 'muted small' }, `${job.result?.millis ?? '?'} ms on ${job.workerId ?? 'a worker'}`
          + (job.result?.cachedModel ? ' (model already loaded)' : '')));
    } catch (error) {
      replaceChildren(result, problemView(error));
    } finally {
      button.disabled = false;
    }
  });
  return h('section', { 'aria-labelledby': 'tryit-heading', id: 'tryit' },
    h('h2', { id: 'tryit-heading' }, 'Try it'),
    !can('contributor') ? h('p', { class: 'muted', id: 'tryit-role' }, needsRole('contributor'))
      : hasFiles ? form : h('p', { class: 'muted' }, 'Import the model first: sample inference needs its files.'),
    result);
}

/** An input's name as a label: 'text2' gives 'Text 2'. */
function inputLabel(name) {
  const words = name.replace(/_/g, ' ').replace(/(\D)(\d+)$/, '$1 $2');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function predictionView(task, prediction) {
  if (!prediction) return h('p', { class: 'muted' }, 'No prediction.');
  switch (task) {
    case 'text-classification':
      return h('table', { class: 'data', id: 'tryit-labels' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Label'), h('th', {}, 'Score'))),
        h('tbody', {}, (prediction.labels ?? []).map(l => h('tr', {}, h('td', {}, l.label), h('td', {}, l.score.toFixed(4))))));
    case 'token-classification':
      return (prediction.entities ?? []).length === 0 ? h('p', {}, 'No entities found.')
        : h('ul', { id: 'tryit-entities' }, prediction.entities.map(e =>
          h('li', {}, h('strong', {}, e.type), ` ${e.text} (${e.score.toFixed(3)})`)));
    case 'question-answering':
      return h('p', { id: 'tryit-answer' }, h('strong', {}, 'Answer: '), prediction.answer || '(none)',
        ` (${prediction.score?.toFixed(3)})`);
    case 'fill-mask':
      return h('ol', { id: 'tryit-fills' }, (prediction[0]?.candidates ?? []).map(c =>
        h('li', {}, `${c.token} (${c.score.toFixed(3)})`)));
    default:
      return h('p', { id: 'tryit-generated' }, prediction.generatedText ?? '');
  }
}
