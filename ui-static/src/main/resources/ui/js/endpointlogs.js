// The endpoint page's Logs tab: what happened to one deployment's instances (placed on a runner, loading, ready
// and how long the model took to load, failed and why, retired, removed with a runner that stopped answering, calls
// that failed on a runner), oldest first, followed every 5 seconds while the tab is shown.
import { deploymentLogs } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';
import { logLine, stickToBottom } from './jobstatus.js';
import { poll } from './polling.js';

const REFRESH_MS = 5000;
/** The most lines the tab keeps on screen (the service keeps 1000 per deployment). */
const SHOWN = 1000;

/**
 * Lays the tab out in `panel` for endpoint `name`. Answers { update(endpoint), start(), stop() }: update() follows the
 * endpoint's deployments, start() reads the chosen deployment's log and follows it (the page calls it when the tab
 * is shown), stop() ends that.
 */
export function mountLogsPanel(panel, name) {
  let deployment = null;
  let lastId = null;
  let refresh = null;
  let running = false;

  const select = h('select', { id: 'logs-deployment' });
  const status = h('p', { id: 'logs-status', class: 'muted small' });
  const message = h('div', { id: 'logs-message' });
  const empty = h('p', { id: 'logs-empty', class: 'muted', hidden: true }, 'No log lines yet.');
  const none = h('p', { id: 'logs-none', class: 'muted', hidden: true }, 'No deployments yet: nothing has happened.');
  const log = h('ol', { id: 'logs', class: 'log', role: 'log', 'aria-live': 'polite' });
  const box = h('div', { class: 'log-box tall', tabindex: '0', role: 'region', 'aria-label': 'Deployment log', hidden: true }, log);
  const field = h('div', { class: 'field' }, h('label', { for: 'logs-deployment' }, 'Deployment'), select);
  replaceChildren(panel,
    h('div', { class: 'metrics-head' }, field, status),
    message, none, empty, box,
    h('p', { class: 'hint' }, 'Written by the catalog service that places instances and by the runners that load them; '
      + 'the newest 1000 lines of each deployment are kept. The runners\u2019 own logs have the details.'));

  select.addEventListener('change', () => {
    deployment = select.value;
    if (running) start();
  });

  function reset() {
    lastId = null;
    replaceChildren(log);
    replaceChildren(message);
    box.hidden = true;
    empty.hidden = true;
    status.textContent = 'Loading the log\u2026';
  }

  function show(answer) {
    if (answer.deployment !== deployment) return;
    replaceChildren(message);
    const scroll = stickToBottom(box);
    for (const line of answer.lines ?? []) log.append(logLine(line));
    while (log.childElementCount > SHOWN) log.firstElementChild.remove();
    lastId = answer.lastId;
    box.hidden = log.childElementCount === 0;
    empty.hidden = log.childElementCount > 0;
    scroll();
    replaceChildren(status, 'As of ', h('time', { datetime: new Date().toISOString() }, new Date().toLocaleTimeString()),
      '; new lines arrive every 5 seconds while this tab is open.');
  }

  function failed(error) {
    if (lastId === null) {
      status.textContent = 'The log could not be loaded.';
      replaceChildren(message, problemView(error, start));
      return error.status !== 404;
    }
    replaceChildren(message, h('p', { class: 'muted', id: 'logs-refresh-failed' },
      `Checking the log failed (${error.title}${error.detail ? `: ${error.detail}` : ''}); trying again in a few seconds.`));
    return true;
  }

  function start() {
    refresh?.stop();
    running = true;
    if (!deployment) return;
    reset();
    refresh = poll({
      fetch: () => deploymentLogs(name, deployment, lastId),
      onAnswer: show,
      onError: failed,
      intervalMs: REFRESH_MS,
      retryMs: REFRESH_MS * 2,
      element: panel,
    });
  }

  function stop() {
    running = false;
    refresh?.stop();
    refresh = null;
  }

  function update(endpoint) {
    const names = (endpoint.deployments ?? []).map(d => d.name);
    const known = [...select.options].map(o => o.value);
    if (names.join('\n') !== known.join('\n')) {
      replaceChildren(select, names.map(n => h('option', { value: n }, n)));
    }
    none.hidden = names.length > 0;
    field.hidden = names.length === 0;
    const next = names.includes(deployment) ? deployment : names[0] ?? null;
    select.value = next ?? '';
    if (next !== deployment) {
      deployment = next;
      if (deployment === null) {
        refresh?.stop();
        reset();
        status.textContent = '';
      } else if (running) {
        start();
      }
    }
  }

  return { update, start, stop };
}
