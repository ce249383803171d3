// How a job shows anywhere in the UI: its state badge, its progress, and a live feed of its changes.
import { getJob, jobEventsUrl, jobLogs } from './api.js';
import { h } from './dom.js';
import { formatBytes, formatRate } from './format.js';
import { poll } from './polling.js';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
export const JOB_KINDS = ['import', 'evaluate', 'finetune', 'batch-score', 'batch-score-helper', 'bulk-test', 'noop'];

const STATE_LABELS = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const KIND_LABELS = {
  import: 'Import',
  evaluate: 'Evaluate',
  finetune: 'Fine-tune',
  'batch-score': 'Batch score',
  'batch-score-helper': 'Batch score helper',
  'bulk-test': 'Bulk test',
  noop: 'No-op',
};

const POLL_MS = 2000;

export function isActive(job) {
  return job?.state === 'queued' || job?.state === 'running';
}

export function kindLabel(kind) {
  return KIND_LABELS[kind] ?? kind;
}

/**
 * A badge for a job's state (a requested cancellation shows while the job still runs), and beside it, while the job
 * is active but cannot move, a badge saying that it waits for a runner (its runner stopped answering, or none is
 * there).
 */
export function jobStateBadge(job) {
  const label = STATE_LABELS[job.state] ?? job.state;
  const state = h('span', { class: `badge job-state state-${job.state}`, dataset: { state: job.state } },
    job.cancelRequested && isActive(job) ? `${label} · cancelling` : label);
  if (!(job.waitingForRunner && isActive(job))) return state;
  const waiting = h('span', { class: 'badge waiting-for-runner' }, 'waiting for a runner');
  waiting.title = job.state === 'running'
    ? 'Its runner stopped answering. The job continues from its last checkpoint when a runner takes it.'
    : 'No runner is running. The job starts when one starts.';
  return h('span', { class: 'job-state-group' }, state, ' ', waiting);
}

/** What the job is about: the Hub repository of an import, the batch job a helper helps, else its kind. */
export function jobSubject(job) {
  const helped = job.kind === 'batch-score-helper' ? job.params?.invocationJobId : null;
  if (typeof helped === 'string') return `Helps batch job ${helped}`;
  if (job.kind === 'bulk-test' && typeof job.params?.flowName === 'string') return `flow ${job.params.flowName}`;
  const repo = job.params?.repoId ?? job.params?.modelId;
  return typeof repo === 'string' ? repo : kindLabel(job.kind);
}

/** The percentage (0 to 100) of a job; a succeeded job is complete whatever it reported. */
export function percent(job) {
  if (job.state === 'succeeded') return 100;
  const value = Number(job.progress);
  return Number.isFinite(value) ? Math.max(0, Math.min(100, Math.round(value * 100))) : 0;
}

/** The bytes of an import: '1.2 MiB of 4.0 MiB · 350 KiB/s', or '' when the job has none. */
export function bytesText(job) {
  const detail = job.progressDetail ?? {};
  if (typeof detail.bytesTotal !== 'number') return '';
  // The last progress report may predate the end: a succeeded job has all its bytes.
  const done = job.state === 'succeeded' ? detail.bytesTotal : detail.bytesDone ?? 0;
  const parts = [`${formatBytes(done)} of ${formatBytes(detail.bytesTotal)}`];
  if (job.state === 'running' && typeof detail.bytesPerSecond === 'number') parts.push(formatRate(detail.bytesPerSecond));
  return parts.join(' · ');
}

/** A progress bar with its percentage, labelled for assistive technology. */
export function progressBar(job, label = 'Progress') {
  const value = percent(job);
  const fill = h('div', { class: 'progress-fill' });
  fill.style.width = `${value}%`;
  return h('div', { class: `progress state-${job.state}` },
    h('div', { class: 'progress-track', role: 'progressbar', 'aria-label': label,
      'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(value), 'aria-valuetext': `${value}%` }, fill),
    h('span', { class: 'progress-value' }, `${value}%`));
}

function parseData(data) {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/**
 * Follows a job live through its Server-Sent Events: onJob(job) on each change, onLog(line) once per
 * log line (a reconnected stream repeats lines; they are skipped), onEnd(state) when it has ended.
 * When the stream cannot be opened, onInterrupted() and then it asks every few seconds instead, with
 * onError(error) for each question that fails (the next one tries again). Returns close().
 */
export function watchJob(id, { onJob, onLog, onEnd, onInterrupted, onError }) {
  let lastLogId = 0;
  let closed = false;
  let source = null;
  let polling = null;

  function log(line) {
    if (line && typeof line.id === 'number' && line.id > lastLogId) {
      lastLogId = line.id;
      onLog?.(line);
    }
  }

  function finish(state) {
    close();
    onEnd?.(state);
  }

  function openStream() {
    source = new EventSource(jobEventsUrl(id));
    source.addEventListener('job', event => {
      const job = parseData(event.data);
      if (!closed && job && typeof job === 'object') onJob?.(job);
    });
    source.addEventListener('log', event => {
      if (!closed) log(parseData(event.data));
    });
    source.addEventListener('end', event => {
      if (!closed) finish(String(parseData(event.data)));
    });
    source.addEventListener('error', () => {
      // While CONNECTING the browser retries by itself; CLOSED means it gave up (an HTTP error answer).
      if (closed || source.readyState !== EventSource.CLOSED) return;
      source = null;
      onInterrupted?.();
      polling = poll({
        fetch: () => Promise.all([getJob(id), jobLogs(id, lastLogId)]),
        onAnswer: ([job, lines]) => {
          for (const line of lines ?? []) log(line);
          onJob?.(job);
          if (!isActive(job)) finish(job.state);
        },
        onError: error => onError?.(error),
        until: ([job]) => !isActive(job),
        intervalMs: POLL_MS,
      });
    });
  }

  function close() {
    closed = true;
    source?.close();
    source = null;
    polling?.stop();
  }

  openStream();
  return close;
}

/** A job's log line as a list item: time, level and message. */
export function logLine(line) {
  const at = new Date(line.at);
  const time = Number.isNaN(at.getTime()) ? '' : at.toLocaleTimeString(undefined, { hour12: false });
  const level = String(line.level ?? 'INFO').toUpperCase();
  return h('li', { class: `log-line level-${level.toLowerCase()}`, dataset: { id: line.id } },
    h('time', { datetime: line.at ?? '' }, time),
    h('span', { class: 'log-level' }, level),
    h('span', { class: 'log-message' }, line.message ?? ''));
}

/**
 * Keeps a scrolling log box at its bottom as lines arrive, unless the reader scrolled up to read:
 * call before appending; the returned function scrolls after.
 */
export function stickToBottom(box) {
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 8;
  return () => {
    if (atBottom) box.scrollTop = box.scrollHeight;
  };
}
