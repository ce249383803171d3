// The endpoint page's Metrics tab: per deployment, the calls, calls per second, the p50 and p99 latency, server
// errors, 429s and mirrored copies over the last 15 minutes, hour or day, with charts of the calls and the p99 by
// minute; asked again every 5 seconds while the tab is shown.
import { endpointMetrics } from './api.js';
import { lineChart } from './chart.js';
import { h, problemView, replaceChildren } from './dom.js';
import { poll } from './polling.js';

const REFRESH_MS = 5000;
const MINUTE_MS = 60_000;

/** The windows the tab offers, in minutes (the API takes 1 to 1440). */
export const WINDOWS = [
  { minutes: 15, label: 'Last 15 minutes' },
  { minutes: 60, label: 'Last hour' },
  { minutes: 1440, label: 'Last 24 hours' },
];

/** The calls whose latency was measured: answered and failed calls and mirrored copies; a 429 has none. */
export function measuredCalls(metrics) {
  return Math.max(0, (metrics.requests ?? 0) - (metrics.throttled ?? 0)) + (metrics.mirrored ?? 0);
}

/**
 * A latency percentile as the API gives it (the upper end of its histogram bucket): '20 ms'; '> 10 s' when it lies
 * beyond the last bucket (null although calls were measured); '—' when no call was measured.
 */
export function latencyText(ms, measured) {
  if (typeof ms === 'number') return `${ms} ms`;
  return measured > 0 ? '> 10 s' : '—';
}

/** Calls per second: '0', '< 0.01', '0.25', '12.5'. */
export function rateText(perSecond) {
  if (typeof perSecond !== 'number' || !Number.isFinite(perSecond) || perSecond <= 0) return '0';
  if (perSecond < 0.01) return '< 0.01';
  return perSecond < 10 ? perSecond.toFixed(2) : perSecond.toFixed(1);
}

/** The minute (whole minutes since the epoch) an instant falls in. */
function minuteOf(time) {
  return Math.floor(time / MINUTE_MS);
}

/**
 * One point per minute of the window that ends with the minute of `now` (or a later minute the answer has), from a
 * deployment's `series`: `value(minute)` of each recorded minute, `missing` for minutes without calls; a null value
 * leaves its minute out. x is the minute since the epoch.
 */
export function minutePoints(series, minutes, value, { missing = 0, now = Date.now() } = {}) {
  const recorded = new Map((series ?? []).map(m => [minuteOf(Date.parse(m.minute)), m]));
  const end = Math.max(minuteOf(now), ...recorded.keys());
  const points = [];
  for (let x = end - minutes + 1; x <= end; x++) {
    const y = recorded.has(x) ? value(recorded.get(x)) : missing;
    if (y !== null && y !== undefined) points.push({ x, y });
  }
  return points;
}

/** A minute since the epoch on the reader's clock, short enough for a chart's tick: '14:05'. */
function clock(minute) {
  return new Date(minute * MINUTE_MS).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

/**
 * Lays the tab out in `panel` for endpoint `name`. Answers { start(), stop() }: start() asks at once and every
 * 5 seconds after (the page calls it when the tab is shown), stop() ends that (when another tab is, or the page goes).
 */
export function mountMetricsPanel(panel, name) {
  let minutes = WINDOWS[0].minutes;
  let refresh = null;
  let shown = false;

  const windowSelect = h('select', { id: 'metrics-window', 'aria-describedby': 'metrics-updated' },
    WINDOWS.map(w => h('option', { value: String(w.minutes), selected: w.minutes === minutes }, w.label)));
  const updated = h('p', { id: 'metrics-updated', class: 'muted small' }, 'Loading the metrics…');
  const message = h('div', { id: 'metrics-message' });
  const empty = h('p', { id: 'metrics-empty', class: 'muted', hidden: true }, 'No deployments yet: nothing to measure.');
  const tableBody = h('tbody', {});
  const table = h('div', { class: 'table-scroll', hidden: true }, h('table', { id: 'metrics' },
    h('caption', { class: 'visually-hidden' }, `Calls per deployment of ${name}`),
    h('thead', {}, h('tr', {}, ['Deployment', 'Requests', 'Requests/s', 'p50', 'p99', 'Errors', '429s', 'Mirrored copies']
      .map(t => h('th', { scope: 'col' }, t)))),
    tableBody));
  const charts = h('div', { class: 'charts metrics-charts', id: 'metrics-charts' });
  replaceChildren(panel,
    h('div', { class: 'metrics-head' },
      h('div', { class: 'field' }, h('label', { for: 'metrics-window' }, 'Window'), windowSelect),
      updated),
    message, empty, table, charts,
    h('p', { class: 'hint', id: 'metrics-hint' }, 'Requests count every call the gateway forwarded, answered or not; errors are '
      + 'the 502, 503 and 504 answers; 429s the calls over the concurrency limit. Mirrored copies are counted apart from the '
      + 'requests. Latencies are the upper end of the bucket that holds them (1, 2, 5, 10, 20, 50 … 10 000 ms), summed '
      + 'over every catalog service; the numbers arrive within about 5 seconds.'));

  windowSelect.addEventListener('change', () => {
    minutes = Number(windowSelect.value);
    updated.textContent = 'Loading the metrics…';
    start();
  });

  function row(d) {
    const measured = measuredCalls(d);
    const cell = (kind, text) => h('td', { class: `metric-${kind}` }, text);
    return h('tr', { dataset: { deployment: d.name } },
      h('th', { scope: 'row', class: 'deployment-name' }, d.name),
      cell('requests', String(d.requests)),
      cell('rate', rateText(d.requestsPerSecond)),
      cell('p50', latencyText(d.p50Ms, measured)),
      cell('p99', latencyText(d.p99Ms, measured)),
      cell('errors', String(d.errors)),
      cell('throttled', String(d.throttled)),
      cell('mirrored', String(d.mirrored)));
  }

  function show(answer) {
    if (answer.minutes !== minutes) return; // an answer for the window before the reader changed it
    shown = true;
    replaceChildren(message);
    const deployments = answer.deployments ?? [];
    const label = WINDOWS.find(w => w.minutes === answer.minutes)?.label ?? `Last ${answer.minutes} minutes`;
    replaceChildren(updated, `${label}, as of `, h('time', { datetime: new Date().toISOString() }, new Date().toLocaleTimeString()),
      '; updated every 5 seconds while this tab is open.');
    replaceChildren(tableBody, deployments.map(row));
    table.hidden = deployments.length === 0;
    empty.hidden = deployments.length > 0;
    if (deployments.length === 0) {
      replaceChildren(charts);
      return;
    }
    const requests = deployments.map(d => ({ name: d.name, points: minutePoints(d.series, answer.minutes, m => m.requests) }));
    const p99 = deployments.map(d => ({ name: d.name, points: minutePoints(d.series, answer.minutes, m => m.p99Ms, { missing: null }) }))
      .filter(s => s.points.length > 0);
    replaceChildren(charts,
      lineChart({ id: 'metrics-chart-requests', title: 'Requests per minute', xLabel: 'time', yLabel: 'requests', series: requests,
        formatX: clock, yFrom: 0, integerY: true }),
      p99.length ? lineChart({ id: 'metrics-chart-p99', title: 'p99 latency per minute (ms)', xLabel: 'time', yLabel: 'ms', series: p99,
        formatX: clock, yFrom: 0, integerY: true })
        : h('p', { class: 'muted', id: 'metrics-no-latency' }, 'No latency to chart: no call was measured in this window.'));
  }

  function failed(error) {
    if (!shown) {
      updated.textContent = 'The metrics could not be loaded.';
      replaceChildren(message, problemView(error, start));
      return false;
    }
    // A refresh that fails keeps the numbers, says why and tries again.
    replaceChildren(message, h('p', { class: 'muted', id: 'metrics-refresh-failed' },
      `Checking the metrics failed (${error.title}${error.detail ? `: ${error.detail}` : ''}); trying again in a few seconds.`));
    return true;
  }

  function start() {
    refresh?.stop();
    refresh = poll({
      fetch: () => endpointMetrics(name, minutes),
      onAnswer: show,
      onError: failed,
      intervalMs: REFRESH_MS,
      retryMs: REFRESH_MS * 2,
      element: panel,
    });
  }

  function stop() {
    refresh?.stop();
    refresh = null;
  }

  return { start, stop };
}
