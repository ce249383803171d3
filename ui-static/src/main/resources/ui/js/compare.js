// The comparison page (#/compare?datasetId&task&metric): the leaderboard of models on one dataset and task.
// The tasks, their metrics and which way each improves come from the task registry.
import { leaderboard, listDatasets } from './api.js';
import { dateView, h, problemView, replaceChildren } from './dom.js';
import { formatMetric } from './format.js';
import { loadTaskRegistry } from './tasks.js';

/** Mounts the page into `root`; returns { update(params), unmount() }. */
export function mountCompare(root, params, navigate) {
  let datasets = null;
  let registry = null;
  let requestNumber = 0;
  const datasetSelect = h('select', { id: 'compare-dataset' });
  const taskSelect = h('select', { id: 'compare-task' }, h('option', { value: '' }, 'Choose a task…'));
  const metricSelect = h('select', { id: 'compare-metric', 'aria-describedby': 'compare-direction' });
  const direction = h('p', { id: 'compare-direction', class: 'hint', hidden: true });
  const results = h('div', { id: 'compare-results', 'aria-live': 'polite' });

  document.title = 'Compare · ModelCat';
  replaceChildren(root, h('article', { class: 'compare' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Compare models')),
    h('p', { class: 'muted' }, 'The final test metrics of every model version evaluated or fine-tuned on one dataset, best first.'),
    h('form', { class: 'toolbar compare-filters', id: 'compare-form', onsubmit: e => e.preventDefault() },
      h('label', { for: 'compare-dataset' }, 'Dataset'), datasetSelect,
      h('label', { for: 'compare-task' }, 'Task'), taskSelect,
      h('label', { for: 'compare-metric' }, 'Metric'), metricSelect),
    direction, results));

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
  metricSelect.addEventListener('change', () => {
    showDirection();
    go();
  });

  // The task's metrics in the registry's order; the one early stopping watches is chosen unless the link names another.
  function fillMetrics(task, chosen) {
    const names = registry.metricsOf(task).map(m => m.name);
    if (chosen && !names.includes(chosen)) names.push(chosen);
    replaceChildren(metricSelect, names.length ? names.map(n => h('option', { value: n }, n)) : h('option', { value: '' }, 'Choose a task first'));
    metricSelect.value = chosen || registry.headlineMetric(task) || '';
    showDirection();
  }

  function showDirection() {
    const metric = registry.metric(metricSelect.value);
    direction.textContent = metric
      ? `${metric.title}: ${metric.description}; ${metric.higherIsBetter ? 'higher' : 'lower'} is better.` : '';
    direction.hidden = !metric;
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
    if (datasets === null || registry === null) {
      replaceChildren(results, h('p', { class: 'loading', role: 'status' }, 'Loading datasets…'));
      try {
        [datasets, registry] = await Promise.all([listDatasets().then(page => page?.items ?? []), loadTaskRegistry()]);
        replaceChildren(taskSelect, h('option', { value: '' }, 'Choose a task…'),
          registry.running('evaluate').map(t => h('option', { value: t }, t)));
      } catch (error) {
        datasets = null;
        if (mine !== requestNumber) return;
        replaceChildren(results, problemView(error, () => update(next)));
        return;
      }
      if (mine !== requestNumber) return;
    }
    fillDatasets(query.datasetId);
    taskSelect.value = registry.runs(query.task, 'evaluate') ? query.task : '';
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
        : table(rows, metricSelect.value, registry.metricsOf(taskSelect.value).map(m => m.name)));
    } catch (error) {
      if (mine === requestNumber) replaceChildren(results, problemView(error, () => update(next)));
    }
  }

  update(params);
  return { update, unmount: () => { requestNumber++; } };
}

/** The leaderboard; the other metrics follow in the task's order, any the registry does not know after them. */
function table(rows, metric, order) {
  const rank = name => (order.includes(name) ? order.indexOf(name) : order.length);
  const others = [...new Set(rows.flatMap(r => Object.keys(r.metrics ?? {})))].filter(n => n !== metric)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
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
