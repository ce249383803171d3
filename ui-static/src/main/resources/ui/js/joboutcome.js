// The job page's parts for evaluate and fine-tune jobs: training charts and final metrics (refreshed while
// the job runs), sample predictions with their CSV, and registering a succeeded fine-tuning as a model.
import { getModel, jobMetrics, jobPredictions, jobPredictionsCsvUrl, registerJob } from './api.js';
import { lineChart } from './chart.js';
import { h, problemView, replaceChildren } from './dom.js';
import { formatMetric } from './format.js';
import { isActive } from './jobstatus.js';
import { poll } from './polling.js';
import { cellText } from './datasetpicker.js';
import { can, needsRole, ownsOrAdmin } from './session.js';

const REFRESH_MS = 5000;
const REGISTER_FIELDS = ['name', 'description', 'license'];

/** Mounts the sections into `root` for `job`; returns { update(job), unmount() }. */
export function mountJobOutcome(root, firstJob) {
  let job = firstJob;
  let active = true;
  let refresh = null; // the metrics, asked for again while the job runs
  let loadedEnded = false; // metrics and predictions loaded after the job ended: they no longer change
  let registerShown = false;

  const metricsBody = h('div', { id: 'job-ml-metrics-body' }, h('p', { class: 'loading', role: 'status' }, 'Loading metrics…'));
  const predictionsBody = h('div', { id: 'job-predictions-body' }, h('p', { class: 'loading', role: 'status' }, 'Loading predictions…'));
  // Shown once there are predictions to download.
  const csvLink = h('a', { id: 'predictions-csv', class: 'button', href: jobPredictionsCsvUrl(firstJob.id), download: '', hidden: true },
    'Download CSV');
  const registerSection = h('section', { id: 'job-register', 'aria-labelledby': 'register-heading', hidden: true });
  replaceChildren(root,
    h('section', { id: 'job-ml-metrics', 'aria-labelledby': 'ml-metrics-heading' },
      h('h2', { id: 'ml-metrics-heading' }, 'Recorded metrics'), metricsBody),
    h('section', { id: 'job-predictions', 'aria-labelledby': 'predictions-heading' },
      h('div', { class: 'section-head' }, h('h2', { id: 'predictions-heading' }, 'Sample predictions'),
        csvLink),
      predictionsBody),
    registerSection);

  const showMetrics = metrics => replaceChildren(metricsBody, metricsView(metrics, job));
  const showMetricsError = error => replaceChildren(metricsBody, problemView(error, loadMetrics));

  async function loadMetrics() {
    try {
      const metrics = await jobMetrics(job.id);
      if (active) showMetrics(metrics);
    } catch (error) {
      if (active) showMetricsError(error);
    }
  }

  async function loadPredictions() {
    // Predictions are rows of the data: viewers may not read them.
    if (!can('contributor')) {
      replaceChildren(predictionsBody, h('p', { class: 'muted', id: 'predictions-role' }, needsRole('contributor')));
      return;
    }
    try {
      const rows = await jobPredictions(job.id);
      if (!active) return;
      csvLink.hidden = !rows?.length;
      replaceChildren(predictionsBody, predictionsView(rows ?? [], job));
    } catch (error) {
      if (active) replaceChildren(predictionsBody, problemView(error, loadPredictions));
    }
  }

  function update(next) {
    job = next;
    if (!isActive(job)) {
      refresh?.stop();
      if (!loadedEnded) {
        loadedEnded = true;
        loadMetrics();
        loadPredictions();
      }
      if (job.kind === 'finetune' && job.state === 'succeeded' && !registerShown && ownsOrAdmin(job.submittedBy)) {
        registerShown = true;
        showRegister();
      }
    } else if (!refresh) {
      loadPredictions();
      // A failed refresh shows why and the next one tries again; the job's end stops it (above).
      refresh = poll({
        fetch: () => jobMetrics(job.id),
        onAnswer: showMetrics,
        onError: showMetricsError,
        intervalMs: REFRESH_MS,
        until: () => !isActive(job),
        element: root,
      });
    }
  }

  function showRegister() {
    registerSection.hidden = false;
    const inputs = {
      name: h('input', { id: 'register-name', type: 'text', maxlength: '200', required: true, autocomplete: 'off',
        'aria-describedby': 'register-name-error' }),
      description: h('textarea', { id: 'register-description', rows: '3', 'aria-describedby': 'register-description-hint register-description-error' }),
      license: h('input', { id: 'register-license', type: 'text', maxlength: '100', autocomplete: 'off',
        'aria-describedby': 'register-license-hint register-license-error' }),
    };
    const errors = Object.fromEntries(REGISTER_FIELDS.map(name => [name, h('p', { id: `register-${name}-error`, class: 'field-error', hidden: true })]));
    const message = h('div', { id: 'register-message' });
    const submit = h('button', { type: 'submit', class: 'button primary', id: 'register-submit' }, 'Register model');
    const show = list => {
      for (const name of REGISTER_FIELDS) {
        const messages = list.filter(e => e.field === name).map(e => e.message);
        errors[name].textContent = messages.join(' ');
        errors[name].hidden = messages.length === 0;
        if (messages.length) inputs[name].setAttribute('aria-invalid', 'true');
        else inputs[name].removeAttribute('aria-invalid');
      }
    };
    if (job.modelId) {
      getModel(job.modelId).then(base => {
        if (!inputs.license.value) inputs.license.value = base.license ?? '';
        if (!inputs.name.value) inputs.name.value = `${base.name}-finetuned`;
      }).catch(() => { /* the licence stays empty: the catalog then takes the base model's */ });
    }
    const form = h('form', { id: 'register-form', novalidate: true, onsubmit: async event => {
      event.preventDefault();
      replaceChildren(message);
      const body = { name: inputs.name.value.trim() };
      if (!body.name) {
        show([{ field: 'name', message: 'Enter a name for the new model.' }]);
        inputs.name.focus();
        return;
      }
      if (inputs.description.value.trim()) body.description = inputs.description.value;
      if (inputs.license.value.trim()) body.license = inputs.license.value.trim();
      submit.disabled = true;
      try {
        const model = await registerJob(job.id, body);
        show([]);
        replaceChildren(registerSection, h('h2', { id: 'register-heading' }, 'Registered'),
          h('div', { class: 'success', role: 'status' }, h('p', {}, `Registered as ${model.name}.`),
            h('a', { id: 'register-model-link', class: 'button primary', href: `#/models/${encodeURIComponent(model.id)}` }, 'Open the new model')));
      } catch (error) {
        const known = error.errors.filter(e => REGISTER_FIELDS.includes(e.field));
        show(known);
        if (known.length === 0 || known.length < error.errors.length) replaceChildren(message, problemView(error));
        const first = REGISTER_FIELDS.find(name => known.some(e => e.field === name));
        if (first) inputs[first].focus();
      } finally {
        submit.disabled = false;
      }
    } },
    h('div', { class: 'field' }, h('label', { for: 'register-name' }, 'Name'), inputs.name, errors.name),
    h('div', { class: 'field' }, h('label', { for: 'register-description' }, 'Description ', h('span', { class: 'muted' }, '(optional)')),
      inputs.description, h('p', { id: 'register-description-hint', class: 'hint' }, 'Markdown. Empty: a line naming the base model and this job.'),
      errors.description),
    h('div', { class: 'field' }, h('label', { for: 'register-license' }, 'Licence'), inputs.license,
      h('p', { id: 'register-license-hint', class: 'hint' }, 'The base model’s licence unless you change it.'), errors.license),
    message, submit);
    replaceChildren(registerSection, h('h2', { id: 'register-heading' }, 'Register model'),
      h('p', { class: 'muted' }, 'Add the fine-tuned weights to the catalog as a new model, with this job as its lineage.'), form);
  }

  update(firstJob);
  return { update, unmount: () => { active = false; refresh?.stop(); } };
}

/** Charts of the series (training loss by step, validation metrics by epoch) and the final metrics table. */
function metricsView(metrics, job) {
  const series = metrics?.series ?? [];
  const final = metrics?.final ?? [];
  const loss = series.filter(m => m.split === 'train' && m.name === 'loss' && m.step != null);
  const validation = series.filter(m => m.split === 'validation' && m.epoch != null);
  const byName = new Map();
  for (const m of validation) {
    if (!byName.has(m.name)) byName.set(m.name, []);
    byName.get(m.name).push({ x: m.epoch, y: m.value });
  }
  const parts = [];
  if (loss.length) {
    parts.push(lineChart({ id: 'chart-loss', title: 'Training loss', xLabel: 'step', yLabel: 'loss',
      series: [{ name: 'loss', points: loss.map(m => ({ x: m.step, y: m.value })) }] }));
  }
  if (byName.size) {
    parts.push(lineChart({ id: 'chart-validation', title: 'Validation metrics', xLabel: 'epoch', yLabel: 'value',
      series: [...byName].map(([name, points]) => ({ name, points })) }));
  }
  if (final.length) {
    parts.push(h('h3', { class: 'subheading' }, 'Final metrics'),
      h('div', { class: 'table-scroll' }, h('table', { id: 'job-final-metrics' },
        h('thead', {}, h('tr', {}, ['Split', 'Metric', 'Value'].map(t => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, final.map(m => h('tr', {}, h('td', {}, m.split), h('th', { scope: 'row' }, m.name),
          h('td', { class: 'metric-value' }, formatMetric(m.value))))))));
  }
  if (parts.length === 0) {
    return h('p', { class: 'muted', id: 'job-ml-metrics-empty' }, isActive(job)
      ? 'Metrics appear here as the job records them.' : 'This job recorded no metrics.');
  }
  return h('div', { class: 'charts' }, parts);
}

function predictionsView(rows, job) {
  if (rows.length === 0) {
    return h('p', { class: 'muted', id: 'job-predictions-empty' }, isActive(job)
      ? 'Sample predictions appear when the job has scored its test data.' : 'This job recorded no sample predictions.');
  }
  const fields = [...new Set(rows.flatMap(r => Object.keys(r.input ?? {})))];
  return h('div', { class: 'table-scroll preview-scroll' }, h('table', { id: 'job-predictions-table' },
    h('thead', {}, h('tr', {}, ['Row', ...fields, 'Expected', 'Predicted'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map(r => {
      const right = r.expected !== undefined && r.expected !== null && cellText(r.expected) === cellText(predictedValue(r.predicted));
      return h('tr', { class: r.expected == null ? null : right ? 'prediction-right' : 'prediction-wrong' },
        h('td', {}, String(r.rowIndex)),
        fields.map(f => h('td', {}, cellText(r.input?.[f]))),
        h('td', {}, cellText(r.expected)),
        h('td', {}, predictionText(r.predicted), r.expected == null ? null : h('span', { class: 'visually-hidden' }, right ? ' (right)' : ' (wrong)')));
    }))));
}

/** What a prediction says: a classifier's {label, score} is its label; other values are as they are. */
function predictedValue(predicted) {
  return predicted && typeof predicted === 'object' && !Array.isArray(predicted) && 'label' in predicted ? predicted.label : predicted;
}

function predictionText(predicted) {
  const value = predictedValue(predicted);
  if (value !== predicted && typeof predicted.score === 'number') return `${cellText(value)} (${formatMetric(predicted.score)})`;
  return cellText(value);
}
