// The model card's "Try it" box: one input fitting the model's task, sent to
// POST /api/v1/models/{id}/predict, and the prediction shown as text (never as HTML).
import { predict } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';
import { can, needsRole } from './session.js';

const TASKS = ['text-classification', 'token-classification', 'question-answering', 'fill-mask', 'text-generation'];

/** The section, or null when the model's task has no sample inference. */
export function tryItSection(model, hasFiles) {
  if (!TASKS.includes(model.task)) return null;
  const sample = (model.samples ?? [])[0] ?? {};
  const field = (id, label, value, rows) => [
    h('label', { for: id }, label),
    rows ? h('textarea', { id, rows, maxlength: rows > 3 ? '20000' : '10000' }, value ?? '')
      : h('input', { id, type: 'text', value: value ?? '', maxlength: '10000', autocomplete: 'off' })];
  const inputs = model.task === 'question-answering'
    ? [...field('tryit-question', 'Question', sample.question), ...field('tryit-context', 'Context', sample.context, 5)]
    : [...field('tryit-text', model.task === 'text-generation' ? 'Prompt' : 'Text', sample.text, 3)];
  const result = h('div', { id: 'tryit-result', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'button primary', id: 'tryit-submit' }, 'Run');
  const form = h('form', { id: 'tryit-form', class: 'tryit' }, ...inputs,
    model.task === 'fill-mask' ? h('p', { class: 'hint' }, 'Put the model’s mask token ([MASK] or <mask>) where a word is missing.') : null,
    h('div', { class: 'form-actions' }, button));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const value = id => form.querySelector(`#${id}`)?.value ?? '';
    const body = model.task === 'question-answering'
      ? { question: value('tryit-question'), context: value('tryit-context') }
      : { text: value('tryit-text') };
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
