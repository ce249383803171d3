// A flow page's "Run a row": a box per input, a variant chooser per step that has several, and each step's answer,
// output, tokens and latency, or where and why the row stopped.
import { runFlowRow } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';
import { FieldErrors } from './fielderrors.js';

/** The form that runs one row of `flow` through the mesh now. */
export function runRowForm(flow) {
  const errors = new FieldErrors();
  const inputs = (flow.inputs ?? []).map((name, i) => {
    const id = `flow-run-input-${i}`;
    const input = h('textarea', { id, rows: '2', name, class: 'code-input' });
    return { name, input, element: h('div', { class: 'field' }, h('label', { for: id }, h('code', {}, name)), input,
      errors.add(`inputs.${name}`, input, id)) };
  });
  const choosers = (flow.steps ?? []).map((step, i) => ({ step, i })).filter(({ step }) => (step.variants ?? []).length > 1)
    .map(({ step, i }) => {
      const id = `flow-run-variant-${i}`;
      const select = h('select', { id, name: step.name },
        step.variants.map((v, j) => h('option', { value: v.name }, `${v.name}${j === 0 ? ' (default)' : ''}: ${v.model}`)));
      return { step: step.name, select, element: h('div', { class: 'field' },
        h('label', { for: id }, 'Variant of ', h('code', {}, step.name)), select, errors.add(`variants.${step.name}`, select, id)) };
    });
  const submit = h('button', { type: 'submit', class: 'button primary', id: 'flow-run-submit' }, 'Run');
  const result = h('div', { id: 'flow-run-result', role: 'status', 'aria-live': 'polite' });
  const form = h('form', { id: 'flow-run', class: 'wizard', novalidate: true },
    inputs.length ? h('div', { class: 'mapping-grid' }, inputs.map(i => i.element))
      : h('p', { class: 'muted' }, 'This flow has no inputs.'),
    choosers.length ? h('div', { class: 'field-row' }, choosers.map(c => c.element)) : null,
    h('div', { class: 'wizard-actions' }, submit),
    result);

  form.addEventListener('submit', async event => {
    event.preventDefault();
    const body = {
      inputs: Object.fromEntries(inputs.map(i => [i.name, i.input.value])),
      variants: Object.fromEntries(choosers.map(c => [c.step, c.select.value])),
    };
    submit.disabled = true;
    submit.textContent = 'Running…';
    replaceChildren(result, h('p', { class: 'loading' }, 'Running the row…'));
    try {
      const answer = await runFlowRow(flow.name, body);
      errors.show([]);
      replaceChildren(result, rowResult(answer));
    } catch (error) {
      const left = errors.show(error.errors ?? []);
      replaceChildren(result, left.length || !error.errors?.length ? problemView({ ...error, errors: left })
        : h('p', { class: 'field-error' }, 'Not run: see the errors above.'));
    } finally {
      submit.disabled = false;
      submit.textContent = 'Run';
    }
  });
  return form;
}

/** What running a row gave: the error if it stopped, each step's figures, and the flow's output. */
export function rowResult(answer) {
  const steps = answer.steps ?? [];
  return h('div', { class: 'flow-run-result' },
    answer.error ? h('div', { class: 'problem', id: 'flow-run-error', role: 'alert' },
      h('p', { class: 'problem-title' }, answer.failedStep ? `Stopped at step ${answer.failedStep}` : 'The row stopped'),
      h('p', { class: 'problem-detail' }, answer.error)) : null,
    steps.length ? h('div', { class: 'table-scroll' }, h('table', { id: 'flow-run-steps' },
      h('caption', { class: 'visually-hidden' }, 'Each step of the row'),
      h('thead', {}, h('tr', {}, ['Step', 'Variant', 'Model', 'Answer', 'Output', 'Tokens (prompt + completion)', 'Latency']
        .map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, steps.map(s => h('tr', { dataset: { step: s.step } },
        h('th', { scope: 'row' }, s.step),
        h('td', {}, s.variant),
        h('td', {}, h('code', {}, s.model)),
        h('td', { class: 'flow-answer' }, h('pre', { class: 'flow-text' }, s.answer ?? '')),
        h('td', { class: 'flow-output' }, s.output === null || s.output === undefined ? h('span', { class: 'muted' }, '—')
          : h('pre', { class: 'flow-text' }, s.output)),
        h('td', { class: 'metric-value' }, `${s.promptTokens} + ${s.completionTokens}`),
        h('td', { class: 'metric-value' }, `${s.latencyMillis} ms`)))))) : null,
    !answer.error && answer.outputs?.output !== undefined ? h('div', { id: 'flow-run-output' },
      h('h3', { class: 'subheading' }, 'Output'), h('pre', { class: 'flow-text' }, answer.outputs.output)) : null,
    h('p', { class: 'muted small', id: 'flow-run-totals' },
      `${answer.promptTokens ?? 0} prompt and ${answer.completionTokens ?? 0} completion tokens in ${answer.latencyMillis ?? 0} ms.`));
}
