// The comparison page (#/compare?datasetId&task&metric): the leaderboard of models on one dataset and task.
import { leaderboard, listDatasets } from './api.js';
import { dateView, h, problemView, replaceChildren } from './dom.js';
import { formatMetric } from './format.js';

/** The final metrics each engine task reports (docs/ml-jobs.md), the first the default ranking. */
export const TASK_METRICS = {
  'text-classification': ['f1_macro', 'accuracy', 'precision_macro', 'recall_macro', 'f1_micro', 'f1_weighted'],
  'token-classification': ['f1', 'precision', 'recall'],
  'text-generation': ['perplexity', 'loss'],
};

/** Mounts the page into `root`; returns { update(params), unmount() }. */
export function mountCompare(root, params, navigate) {
  let datasets = null;
  let requestNumber = 0;
  const datasetSelect = h('select', { id: 'compare-dataset' });
  const taskSelect = h('select', { id: 'compare-task' },
    h('option', { value: '' }, 'Choose a task…'), Object.keys(TASK_METRICS).map(t => h('option', { value: t }, t)));
  const metricSelect = h('select', { id: 'compare-metric' });
  const results = h('div', { id: 'compare-results', 'aria-live': 'polite' });

  document.title = 'Compare · ModelCat';
  replaceChildren(root, h('article', { class: 'compare' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Compare models')),
    h('p', { class: 'muted' }, 'The final test metrics of every model version evaluated or fine-tuned on one dataset, best first.'),
    h('form', { class: 'toolbar compare-filters', id: 'compare-form', onsubmit: e => e.preventDefault() },
      h('label', { for: 'compare-dataset' }, 'Dataset'), datasetSelect,
      h('label', { for: 'compare-task' }, 'Task'), taskSelect,
      h('label', { for: 'compare-metric' }, 'Metric'), metricSelect),
    results));

  const current = () => ({ datasetId: datasetSelect.value, task: taskSelect.value, metric: metricSelect.value });
  function go() {
    const query = new URLSearchParams(Object.entries(current()).filter(([, v]) => v)).toString();
    navigate(`/compare${query ? `?${query}` : ''}`, { replace: true });
  }
  datasetSelect.addEventListener('change', go);
  taskSelect.addEventListener('change', () => {
    fillMetrics(taskSelect.value, '');
    go();
  });
  metricSelect.addEventListener('change', go);

  function fillMetrics(task, chosen) {
    const names = [...(TASK_METRICS[task] ?? [])];
    if (chosen && !names.includes(chosen)) names.push(chosen);
    replaceChildren(metricSelect, names.length ? names.map(n => h('option', { value: n }, n)) : h('option', { value: '' }, 'Choose a task first'));
    metricSelect.value = chosen || names[0] || '';
  }

  function fillDatasets(chosen) {
    const items = [...(datasets ?? [])];
    if (chosen && !items.some(d => d.id === chosen)) items.push({ id: chosen, name: `dataset ${chosen.slice(0, 8)}` });
    replaceChildren(datasetSelect, h('option', { value: '' }, items.length ? 'Choose a dataset…' : 'No datasets yet'),
      items.map(d => h('option', { value: d.id }, d.name)));
    datasetSelect.value = chosen ?? '';
  }

  async function update(next) {
    const mine = ++requestNumber;
    const query = { datasetId: next.get('datasetId') ?? '', task: next.get('task') ?? '', metric: next.get('metric') ?? '' };
    if (datasets === null) {
      replaceChildren(results, h('p', { class: 'loading', role: 'status' }, 'Loading datasets…'));
      try {
        datasets = (await listDatasets())?.items ?? [];
      } catch (error) {
        if (mine !== requestNumber) return;
        replaceChildren(results, problemView(error, () => update(next)));
        return;
      }
      if (mine !== requestNumber) return;
    }
    fillDatasets(query.datasetId);
    taskSelect.value = query.task in TASK_METRICS ? query.task : '';
    fillMetrics(taskSelect.value, query.metric);
    if (datasets.length === 0 && !query.datasetId) {
      replaceChildren(results, h('div', { class: 'empty', id: 'compare-empty' },
        h('p', {}, 'No datasets yet. Evaluate or fine-tune a model on a dataset, then compare the results here.'),
        h('a', { href: '#/' }, 'Choose a model in the catalog')));
      return;
    }
    if (!query.datasetId || !taskSelect.value || !metricSelect.value) {
      replaceChildren(results, h('div', { class: 'empty', id: 'compare-empty' },
        h('p', {}, 'Choose a dataset, a task and a metric to see how the models did.')));
      return;
    }
    replaceChildren(results, h('p', { class: 'loading', role: 'status' }, 'Loading the leaderboard…'));
    try {
      const rows = await leaderboard({ datasetId: query.datasetId, task: taskSelect.value, metric: metricSelect.value });
      if (mine !== requestNumber) return;
      replaceChildren(results, rows.length === 0
        ? h('div', { class: 'empty', id: 'compare-empty' }, h('p', {}, 'No model has results on this dataset for this task and metric yet.'))
        : table(rows, metricSelect.value));
    } catch (error) {
      if (mine === requestNumber) replaceChildren(results, problemView(error, () => update(next)));
    }
  }

  update(params);
  return { update, unmount: () => { requestNumber++; } };
}

function table(rows, metric) {
  const others = [...new Set(rows.flatMap(r => Object.keys(r.metrics ?? {})))].filter(n => n !== metric).sort();
  return h('div', { class: 'table-scroll' }, h('table', { id: 'leaderboard' },
    h('caption', { class: 'visually-hidden' }, `Models ranked by ${metric}`),
    h('thead', {}, h('tr', {}, ['Rank', 'Model', 'Version', metric, ...others, 'Job', 'Recorded']
      .map(title => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, rows.map(row => h('tr', { dataset: { modelId: row.modelId } },
      h('td', {}, String(row.rank)),
      h('th', { scope: 'row' }, h('a', { href: `#/models/${encodeURIComponent(row.modelId)}` }, row.modelName ?? row.modelId)),
      h('td', {}, row.versionNumber ? `v${row.versionNumber}` : '—'),
      h('td', { class: 'metric-value' }, h('strong', {}, formatMetric(row.value))),
      others.map(name => h('td', { class: 'metric-value' }, formatMetric(row.metrics?.[name]))),
      h('td', {}, row.jobId ? h('a', { href: `#/jobs/${encodeURIComponent(row.jobId)}` }, row.jobKind ?? 'job') : '—'),
      h('td', {}, dateView(row.recordedAt)))))));
}
