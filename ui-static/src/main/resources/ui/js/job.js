// The job page: what the job is, where it runs, its live progress and log, its result or error, and Cancel.
import { cancelJob, getJob } from './api.js';
import { mountJobOutcome } from './joboutcome.js';
import { h, problemView, replaceChildren } from './dom.js';
import { formatBytes, formatDateTime, formatDuration } from './format.js';
import {
  bytesText, isActive, jobStateBadge, jobSubject, kindLabel, logLine, progressBar, stickToBottom, watchJob,
} from './jobstatus.js';
import { ownsOrAdmin } from './session.js';
import { loadTaskRegistry } from './tasks.js';

/** Mounts the page of job `id` into `root`; returns { unmount() }. */
export function mountJob(root, id) {
  let active = true;
  let stopWatching = null;
  let job = null;
  let registry = null; // which result entries are metrics
  let outcomeView = null; // metrics, predictions and registering, for evaluate and fine-tune jobs

  const title = h('h1', { id: 'job-title' });
  const header = h('div', { id: 'job-header' });
  const cancel = h('button', { type: 'button', class: 'button danger', id: 'job-cancel' }, 'Cancel job');
  const cancelMessage = h('div', { id: 'job-cancel-message' });
  const progress = h('div', { id: 'job-progress' });
  const outcome = h('div', { id: 'job-outcome' });
  const result = h('div', { id: 'job-result' });
  const metrics = h('div', { id: 'job-metrics' });
  const logBox = h('div', { class: 'log-box tall', tabindex: '0', role: 'region', 'aria-label': 'Job log', hidden: true });
  const log = h('ol', { id: 'job-log', class: 'log', role: 'log', 'aria-live': 'polite' });
  const logEmpty = h('p', { id: 'job-log-empty', class: 'muted' }, 'No log lines yet.');
  const liveNote = h('p', { id: 'job-live', class: 'muted live-note' });
  const mlSections = h('div', { id: 'job-ml' });
  logBox.append(log);
  cancel.addEventListener('click', confirmCancel);

  function load() {
    document.title = 'Job · ModelCat';
    replaceChildren(root, h('p', { class: 'loading', role: 'status' }, 'Loading job…'));
    Promise.all([getJob(id), loadTaskRegistry()]).then(([first, tasks]) => {
      if (!active) return;
      registry = tasks;
      layout();
      render(first);
      const interrupted = 'Live updates were interrupted; checking every few seconds.';
      stopWatching = watchJob(id, {
        onJob: next => {
          if (liveNote.dataset.failed) {
            liveNote.textContent = interrupted;
            delete liveNote.dataset.failed;
          }
          render(next);
        },
        onLog: line => {
          logEmpty.hidden = true;
          logBox.hidden = false;
          const scroll = stickToBottom(logBox);
          log.append(logLine(line));
          scroll();
        },
        onEnd: () => { liveNote.textContent = ''; },
        onInterrupted: () => { liveNote.textContent = interrupted; },
        onError: error => {
          liveNote.dataset.failed = 'true';
          liveNote.textContent = `Checking the job failed (${error.title}${error.detail ? `: ${error.detail}` : ''}); trying again in a few seconds.`;
        },
      });
    }).catch(error => {
      if (!active) return;
      const missing = error.status === 400 || error.status === 404;
      document.title = 'Job not available · ModelCat';
      replaceChildren(root, backLink(),
        h('h1', {}, missing ? 'Job not found' : 'The job could not be loaded'),
        problemView(error, missing ? null : load));
    });
  }

  function layout() {
    replaceChildren(root, h('article', { class: 'job', dataset: { id } },
      backLink(),
      h('header', { class: 'model-header job-header' },
        h('div', {}, title, header),
        h('div', { class: 'actions' }, cancel, cancelMessage)),
      h('div', { class: 'job-body' },
        h('div', { class: 'job-main' },
          h('section', { 'aria-labelledby': 'progress-heading' },
            h('h2', { id: 'progress-heading' }, 'Progress'), progress, outcome),
          mlSections,
          h('section', { 'aria-labelledby': 'log-heading' },
            h('h2', { id: 'log-heading' }, 'Log'), liveNote, logEmpty, logBox)),
        h('aside', { class: 'job-side' },
          h('section', { class: 'details', 'aria-labelledby': 'result-heading' },
            h('h2', { id: 'result-heading' }, 'Result'), result),
          h('section', { class: 'details', 'aria-labelledby': 'metrics-heading' },
            h('h2', { id: 'metrics-heading' }, 'Metrics'), metrics)))));
  }

  function render(next) {
    job = next;
    if (job.kind === 'evaluate' || job.kind === 'finetune') {
      outcomeView ??= mountJobOutcome(mlSections, job);
      outcomeView.update(job);
    }
    const name = jobSubject(job) === kindLabel(job.kind) ? `${kindLabel(job.kind)} job` : `${kindLabel(job.kind)} ${jobSubject(job)}`;
    document.title = `${name} · ModelCat`;
    replaceChildren(title, name);
    const modelId = job.result?.modelId ?? job.modelId;
    const row = (term, ...value) => [h('dt', {}, term), h('dd', {}, ...value)];
    replaceChildren(header,
      h('div', { class: 'card-meta' }, jobStateBadge(job), h('span', { class: 'badge' }, kindLabel(job.kind)),
        h('span', { class: 'badge', title: 'Device' }, deviceText(job.device)),
        h('span', { class: 'badge', title: 'Priority (0 to 9)' }, `priority ${job.priority}`)),
      h('dl', { class: 'job-facts' },
        row('Job', h('code', { id: 'job-id' }, job.id)),
        row('Model', modelId ? h('a', { id: 'job-model-link', href: `#/models/${encodeURIComponent(modelId)}` }, 'Model card')
          : h('span', { class: 'muted' }, '—')),
        job.kind === 'bulk-test' && typeof job.params?.bulkTestId === 'string'
          ? row('Bulk test', h('a', { id: 'job-bulk-test-link', href: `#/bulk-tests/${encodeURIComponent(job.params.bulkTestId)}` },
            `Results of the bulk test of ${job.params.flowName ?? 'a flow'}`)) : null,
        row('Worker', job.workerId ? h('a', { href: '#/workers' }, h('code', {}, job.workerId)) : h('span', { class: 'muted' }, 'none yet')),
        row('Attempt', h('span', { id: 'job-attempts' }, `${job.attempt} of ${job.maxAttempts}`)),
        row('Submitted', timeView(job.submittedAt)),
        row('Submitted by', h('span', { id: 'job-submitter' }, job.submittedBy?.username ?? '—')),
        row('Started', timeView(job.startedAt)),
        row('Finished', timeView(job.finishedAt)),
        job.startedAt ? row('Duration', formatDuration(job.startedAt, job.finishedAt)) : null));

    const ended = !isActive(job);
    cancel.disabled = ended || job.cancelRequested;
    // Only its submitter or an admin may cancel a job.
    cancel.hidden = !ownsOrAdmin(job.submittedBy);
    cancel.textContent = job.cancelRequested && !ended ? 'Cancelling…' : 'Cancel job';
    if (!liveNote.textContent && !ended) liveNote.textContent = 'Live: new lines appear as the job writes them.';
    if (ended && liveNote.textContent.startsWith('Live:')) liveNote.textContent = '';

    const bytes = bytesText(job);
    const current = job.progressDetail?.file;
    replaceChildren(progress, progressBar(job, 'Job progress'),
      bytes ? h('p', { id: 'job-bytes', class: 'muted' }, bytes) : null,
      isActive(job) && current ? h('p', { class: 'muted' }, `Working on ${current}`) : null,
      detailList(job.progressDetail, ['bytesDone', 'bytesTotal', 'bytesPerSecond', 'file']));

    if (job.state === 'failed') {
      replaceChildren(outcome, h('div', { class: 'problem', id: 'job-error', role: 'alert' },
        h('p', { class: 'problem-title' }, 'The job failed'),
        h('p', { class: 'problem-detail' }, job.error || 'No reason was given.'),
        job.errorCause ? h('pre', { class: 'error-cause', id: 'job-error-cause' }, job.errorCause) : null));
    } else if (job.state === 'cancelled') {
      replaceChildren(outcome, h('p', { class: 'muted', id: 'job-cancelled' }, 'The job was cancelled.'));
    } else if (job.state === 'succeeded') {
      replaceChildren(outcome, h('p', { class: 'success', id: 'job-succeeded' }, 'The job succeeded.'));
    } else {
      replaceChildren(outcome);
    }

    const scores = metricsOf(job.result, registry);
    // Metrics have their own section; the result lists the rest.
    const values = Object.entries(job.result ?? {}).filter(([key]) => !(key === 'metrics' && scores.length));
    replaceChildren(result, values.length === 0
      ? h('p', { class: 'muted' }, ended ? 'No result.' : 'The result appears when the job has finished.')
      : h('dl', { id: 'job-result-list' }, values.map(([key, value]) => row(key, resultValue(key, value)))));

    // Evaluate and fine-tune jobs show their recorded metrics in the main column; here only what the result holds.
    metrics.closest('section').hidden = scores.length === 0 && (job.kind === 'evaluate' || job.kind === 'finetune');
    replaceChildren(metrics, scores.length === 0
      ? h('p', { class: 'muted', id: 'job-metrics-empty' }, 'No metrics. Evaluation and fine-tuning jobs will report them here.')
      : h('table', { id: 'job-metrics-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Metric'), h('th', { scope: 'col' }, 'Value'))),
        h('tbody', {}, scores.map(([name, value]) => h('tr', {}, h('th', { scope: 'row' }, name),
          h('td', {}, typeof value === 'number' ? String(Math.round(value * 10000) / 10000) : JSON.stringify(value)))))));
  }

  function confirmCancel() {
    if (!job || !isActive(job)) return;
    const yes = h('button', { type: 'button', class: 'button danger', id: 'confirm-cancel' }, 'Cancel job');
    const no = h('button', { type: 'button', class: 'button', id: 'keep-job' }, 'Keep it');
    const dialog = h('dialog', { class: 'dialog small', id: 'cancel-dialog', 'aria-labelledby': 'cancel-heading',
      'aria-describedby': 'cancel-text' },
      h('h2', { id: 'cancel-heading' }, 'Cancel this job?'),
      h('p', { id: 'cancel-text' }, job.state === 'running'
        ? 'The job stops within seconds; what it has done so far is discarded.'
        : 'The job leaves the queue and will not run.'),
      h('div', { class: 'dialog-actions' }, no, yes));
    no.addEventListener('click', () => dialog.close());
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        render(await cancelJob(id));
        replaceChildren(cancelMessage);
        dialog.close();
      } catch (error) {
        dialog.close();
        // 409: it ended meanwhile; the stream brings its final state.
        replaceChildren(cancelMessage, problemView(error));
      }
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (cancel.isConnected && !cancel.disabled) cancel.focus();
    });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  }

  load();
  return {
    unmount: () => {
      active = false;
      stopWatching?.();
      outcomeView?.unmount();
      document.getElementById('cancel-dialog')?.close();
    },
  };
}

function backLink() {
  return h('p', { class: 'breadcrumb' }, h('a', { href: '#/jobs' }, '← Jobs'));
}

function deviceText(device) {
  if (!device) return 'cpu';
  return device.kind === 'gpu' ? `${device.count ?? 1} × GPU` : device.kind ?? 'cpu';
}

function timeView(iso) {
  return iso ? h('time', { datetime: iso }, formatDateTime(iso)) : h('span', { class: 'muted' }, '—');
}

function resultValue(key, value) {
  if (key === 'modelId' && typeof value === 'string') {
    return h('a', { href: `#/models/${encodeURIComponent(value)}` }, h('code', {}, value));
  }
  if (key === 'bytes' && typeof value === 'number') return `${formatBytes(value)} (${value} bytes)`;
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return h('code', { class: 'json' }, JSON.stringify(value));
  return String(value);
}

/** Progress details other than the ones shown already, as a small definition list. */
function detailList(detail, shown) {
  const entries = Object.entries(detail ?? {}).filter(([key]) => !shown.includes(key));
  if (entries.length === 0) return null;
  return h('dl', { class: 'lineage progress-detail' }, entries.map(([key, value]) => [
    h('dt', {}, key), h('dd', {}, typeof value === 'object' ? JSON.stringify(value) : String(value))]));
}

/** The scores in a result: its `metrics` object, else top-level numbers named like a metric of the task registry. */
function metricsOf(result, registry) {
  if (result?.metrics && typeof result.metrics === 'object') return Object.entries(result.metrics);
  return Object.entries(result ?? {}).filter(([key, value]) => typeof value === 'number' && registry.metric(key));
}
