// A bulk test's page (#/bulk-tests/{id}): its job's state and progress (asked again while it runs, with Cancel), rows
// answered per run, the runs' figures side by side with the best marked, each classification's confusion matrix, the
// rows (by run, sorted by a score or latency, error rows marked, in pages), the CSV, and applying evaluation methods
// again.
import { bulkTestCsvUrl, cancelJob, deleteBulkTest, evaluateBulkTest, getBulkTest, getDataset, getEvaluationMethods } from './api.js';
import { comparisonRows } from './bulkresults.js';
import { bulkRowsView } from './bulkrows.js';
import { confirmDialog, h, problemView, replaceChildren } from './dom.js';
import { evaluationEditor } from './evaluationmethods.js';
import { FieldErrors } from './fielderrors.js';
import { meshModelIds } from './flows.js';
import { formatDateTime, formatMetric, relativeTime } from './format.js';
import { isActive, jobStateBadge, progressBar } from './jobstatus.js';
import { poll } from './polling.js';
import { can, ownsOrAdmin } from './session.js';

const REFRESH_MS = 2000;

/** Mounts the page of bulk test `id`; returns { unmount() }. */
export function mountBulkTest(root, id, navigate) {
  let active = true;
  let testPoll = null;
  let rowsView = null;
  let wasActive = null;

  const title = h('h1', { id: 'bulk-test-title' }, 'Bulk test');
  const cancel = h('button', { type: 'button', class: 'button danger', id: 'bulk-test-cancel', hidden: true }, 'Cancel');
  const remove = h('button', { type: 'button', class: 'button danger', id: 'bulk-test-delete', hidden: true }, 'Delete');
  const message = h('div', { id: 'bulk-test-message' });
  const facts = h('div', { id: 'bulk-test-facts' });
  const progress = h('div', { id: 'bulk-test-progress' });
  const comparison = h('div', { id: 'bulk-test-comparison' });
  const confusion = h('div', { id: 'bulk-test-confusion' });
  const rowsBox = h('div', { id: 'bulk-test-rows-box' });
  const evaluateBox = h('div', { id: 'bulk-test-evaluate-box' });
  let test = null;
  let reevaluateSubmit = null; // offered once the test has ended (the API refuses while it runs)

  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      await cancelJob(test.job.id);
      testPoll?.now();
    } catch (error) {
      replaceChildren(message, problemView(error));
      cancel.disabled = false;
    }
  });

  remove.addEventListener('click', async () => {
    const sure = await confirmDialog({ id: 'bulk-test-delete-dialog', title: 'Delete this bulk test?',
      text: 'Its rows, scores and figures go; its jobs stay in the job list.', confirm: 'Delete' });
    if (!sure) return;
    try {
      await deleteBulkTest(id);
      navigate(`/flows/${encodeURIComponent(test.flowName)}`);
    } catch (error) {
      replaceChildren(message, problemView(error));
    }
  });

  function load() {
    document.title = 'Bulk test · ModelCat';
    replaceChildren(root, h('p', { class: 'loading', role: 'status' }, 'Loading bulk test…'));
    getBulkTest(id).then(first => {
      if (!active) return;
      layout(first);
      watch();
    }).catch(error => {
      if (!active) return;
      const missing = error.status === 400 || error.status === 404;
      replaceChildren(root, h('p', { class: 'breadcrumb' }, h('a', { href: '#/flows' }, '← Prompt flows')),
        h('h1', {}, missing ? 'Bulk test not found' : 'The bulk test could not be loaded'), problemView(error, missing ? null : load));
    });
  }

  function layout(first) {
    document.title = `Bulk test of ${first.flowName} · ModelCat`;
    replaceChildren(title, 'Bulk test of ', first.flowName);
    rowsView = bulkRowsView(first);
    replaceChildren(rowsBox, rowsView.element);
    replaceChildren(root, h('article', { class: 'bulk-test', dataset: { id } },
      h('p', { class: 'breadcrumb' }, h('a', { href: `#/flows/${encodeURIComponent(first.flowName)}`, id: 'bulk-test-flow-link' },
        `← ${first.flowName}`)),
      h('div', { class: 'page-head' }, title, h('div', { class: 'page-actions' }, cancel, ' ', remove)),
      message, facts,
      h('section', { 'aria-labelledby': 'bulk-progress-heading' }, h('h2', { id: 'bulk-progress-heading' }, 'Progress'), progress),
      h('section', { 'aria-labelledby': 'bulk-comparison-heading' }, h('h2', { id: 'bulk-comparison-heading' }, 'Runs compared'),
        comparison, confusion),
      h('section', { 'aria-labelledby': 'bulk-rows-heading' }, h('div', { class: 'section-head' },
        h('h2', { id: 'bulk-rows-heading' }, 'Rows'),
        h('a', { href: bulkTestCsvUrl(id), download: `bulk-test-${id}.csv`, class: 'button', id: 'bulk-test-csv' }, 'Download CSV')),
      rowsBox),
      can('contributor') ? h('section', { 'aria-labelledby': 'bulk-evaluate-heading' },
        h('h2', { id: 'bulk-evaluate-heading' }, 'Apply evaluation methods again'), evaluateBox) : null));
    if (can('contributor')) evaluateForm(first);
  }

  function render(next) {
    const ended = !isActive(next.job);
    const changedState = test?.job?.id !== next.job.id || test?.job?.state !== next.job.state;
    test = next;
    cancel.hidden = ended || !ownsOrAdmin(test.job.submittedBy);
    cancel.disabled = Boolean(test.job.cancelRequested);
    cancel.textContent = test.job.cancelRequested ? 'Cancelling…' : 'Cancel';
    if (reevaluateSubmit) reevaluateSubmit.disabled = !ended;
    remove.hidden = !ended || !can('contributor');
    const row = (term, ...value) => [h('dt', {}, term), h('dd', {}, ...value)];
    replaceChildren(facts, h('dl', { class: 'job-facts' },
      row('Job', h('a', { href: `#/jobs/${encodeURIComponent(test.job.id)}`, id: 'bulk-test-job-link' }, h('code', {}, test.job.id))),
      row('Dataset', h('code', {}, test.datasetId)),
      row('Inputs', Object.entries(test.inputColumns ?? {}).map(([input, column], i) => [i ? ', ' : '', h('code', {}, input), ` ← ${column}`])),
      row('Compares', test.variantStep ? ['variants of ', h('code', {}, test.variantStep)] : 'nothing: one run of each step\'s first variant'),
      row('Concurrency', String(test.concurrency)),
      row('Error threshold', test.errorThreshold < 0 ? 'any number of failed rows' : String(test.errorThreshold)),
      row('Asked by', test.createdBy ?? '—', ' ', h('time', { datetime: test.createdAt, title: formatDateTime(test.createdAt) },
        relativeTime(test.createdAt)))));
    const detail = test.job.progressDetail ?? {};
    replaceChildren(progress,
      h('div', { class: 'card-meta' }, jobStateBadge(test.job)),
      progressBar(test.job, 'Bulk test progress'),
      h('p', { id: 'bulk-test-answered' }, 'Rows answered: ', Object.entries(test.answered ?? {})
        .map(([run, n], i) => [i ? ' · ' : '', h('span', { dataset: { run } }, h('strong', {}, run), `: ${n}`)])),
      typeof detail.rows === 'number' ? h('p', { class: 'muted small' }, `${detail.rows} rows per run`) : null,
      test.job.state === 'queued' ? h('p', { class: 'muted', id: 'bulk-test-queued' }, 'Queued: it starts when a runner takes it.') : null,
      test.job.state === 'failed' ? h('div', { class: 'problem', role: 'alert', id: 'bulk-test-error' },
        h('p', { class: 'problem-title' }, 'The bulk test failed'), h('p', { class: 'problem-detail' }, test.job.error || 'No reason was given.')) : null,
      test.job.state === 'cancelled' ? h('p', { class: 'muted', id: 'bulk-test-cancelled' }, 'The bulk test was cancelled.') : null);
    const runs = test.result?.runs ?? [];
    replaceChildren(comparison, runs.length ? comparisonTable(runs)
      : h('p', { class: 'muted', id: 'bulk-test-no-metrics' }, ended ? 'No figures: the job ended before evaluating.'
        : 'The figures appear when the runs have been evaluated.'));
    replaceChildren(confusion, runs.flatMap(run => Object.entries(run.confusion ?? {}).map(([name, matrix]) => confusionTable(run.variant, name, matrix))));
    // New rows are read when the job ends (or starts again); while it runs the rows view has its own Reload.
    if (changedState && wasActive !== null && (ended || !wasActive)) rowsView?.reload();
    wasActive = !ended;
  }

  function watch() {
    testPoll?.stop();
    testPoll = poll({
      fetch: () => getBulkTest(id),
      onAnswer: render,
      onError: error => replaceChildren(message, problemView(error)),
      until: answer => !isActive(answer.job),
      intervalMs: REFRESH_MS,
      retryMs: REFRESH_MS * 2,
      element: progress,
    });
  }

  async function evaluateForm(first) {
    // Without the dataset's columns or the mesh's models the form still works: the API names what is wrong.
    const [columns, models, catalog] = await Promise.all([
      getDataset(first.datasetId).then(d => (d.columns ?? []).map(c => c.name)).catch(() => []),
      meshModelIds().catch(() => []),
      getEvaluationMethods().catch(() => null),
    ]);
    if (!active) return;
    const errors = new FieldErrors();
    const editor = evaluationEditor({ prefix: 'reevaluate', flow: { steps: first.steps }, columns: () => columns, models, catalog,
      initial: first.evaluations ?? [] });
    const submit = h('button', { type: 'submit', class: 'button primary', id: 'reevaluate-submit' }, 'Apply again');
    reevaluateSubmit = submit;
    submit.disabled = isActive(test?.job ?? first.job);
    const status = h('div', { id: 'reevaluate-status', role: 'status' });
    const form = h('form', { id: 'reevaluate', class: 'wizard', novalidate: true },
      h('p', { class: 'hint' }, 'A new job of this test scores the answered rows with these methods and replaces the figures; '
        + 'the flow is not called again (an LLM judge is). Not while the test runs.'),
      editor.element, h('div', { class: 'wizard-actions' }, submit), status);
    form.addEventListener('submit', async event => {
      event.preventDefault();
      replaceChildren(status);
      editor.register(errors);
      submit.disabled = true;
      try {
        const next = await evaluateBulkTest(id, editor.value());
        errors.show([]);
        replaceChildren(status, h('p', { class: 'success', id: 'reevaluate-queued' }, 'Queued job ',
          h('a', { href: `#/jobs/${encodeURIComponent(next.job.id)}` }, next.job.id), '.'));
        render(next);
        watch();
      } catch (error) {
        const left = errors.show(error.errors ?? []);
        if (left.length || !error.errors?.length) replaceChildren(status, problemView({ ...error, errors: left }));
        else replaceChildren(status, h('p', { class: 'field-error' }, 'Not applied: see the errors above.'));
      } finally {
        submit.disabled = isActive(test?.job);
      }
    });
    replaceChildren(evaluateBox, form);
  }

  load();
  return { unmount: () => { active = false; testPoll?.stop(); } };
}

/** One column per run, one row per figure; the best value of a row is marked (in words too, not only by colour). */
export function comparisonTable(runs) {
  return h('div', { class: 'table-scroll' }, h('table', { id: 'bulk-test-metrics', class: 'comparison' },
    h('caption', { class: 'visually-hidden' }, 'Each run\'s figures; the best of each row is marked'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Figure'), runs.map(run => h('th', { scope: 'col', dataset: { run: run.variant } }, run.variant)))),
    h('tbody', {}, comparisonRows(runs).map(row => h('tr', { dataset: { figure: row.key } },
      h('th', { scope: 'row' }, row.label, row.better ? h('span', { class: 'muted small' }, row.better === 'lower' ? ' (lower is better)' : ' (higher is better)') : null),
      row.values.map((value, i) => {
        const best = row.best.includes(i);
        return h('td', { class: `metric-value${best ? ' best' : ''}`, dataset: { run: runs[i].variant } },
          formatMetric(value), best ? h('span', { class: 'best-mark' }, ' best') : null);
      }))))));
}

/** A classification's confusion matrix in one run: rows the ground truth, columns the output. */
export function confusionTable(run, name, matrix) {
  const labels = matrix.labels ?? [];
  return h('figure', { class: 'confusion', dataset: { run, output: name } },
    h('figcaption', { class: 'subheading' }, `Confusion matrix of ${name} in run ${run}`),
    h('div', { class: 'table-scroll' }, h('table', { class: 'confusion-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Truth \\ output'), labels.map(l => h('th', { scope: 'col' }, l)))),
      h('tbody', {}, labels.map((label, i) => h('tr', {}, h('th', { scope: 'row' }, label),
        labels.map((_, j) => h('td', { class: `metric-value${i === j ? ' diagonal' : ''}` }, String(matrix.counts?.[i]?.[j] ?? 0)))))))));
}
