// The workers page: the live job-runners, their machines and what they run; refreshed every 5 seconds.
import { listWorkers } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';
import { formatBytes, formatDateTime, relativeTime } from './format.js';
import { poll } from './polling.js';

const REFRESH_MS = 5000;

/** Mounts the workers page into `root`; returns { unmount() }. */
export function mountWorkers(root) {
  let shown = false; // whether a list is on screen, kept through a failed refresh

  const summary = h('p', { id: 'workers-summary', class: 'summary', role: 'status', 'aria-live': 'polite' }, 'Loading workers…');
  const message = h('div', { id: 'workers-message' });
  const tableBody = h('tbody', {});
  const table = h('div', { class: 'table-scroll', hidden: true }, h('table', { id: 'workers' },
    h('caption', { class: 'visually-hidden' }, 'Job runners'),
    h('thead', {}, h('tr', {}, ['Host', 'CPU cores', 'Memory', 'GPUs', 'Running jobs', 'Serving', 'Runner token', 'Last heartbeat', 'Started']
      .map(title => h('th', { scope: 'col' }, title)))),
    tableBody));
  document.title = 'Workers · ModelCat';
  const page = h('div', { class: 'workers-page' },
    h('div', { class: 'page-head' }, h('h1', { id: 'workers-heading' }, 'Workers')),
    h('p', { class: 'muted' }, 'Job runners connected to this catalog. The list refreshes every 5 seconds.'),
    summary, message, table);
  replaceChildren(root, page);

  function row(worker) {
    const gpus = worker.gpus ?? [];
    const jobs = worker.runningJobs ?? [];
    return h('tr', { dataset: { workerId: worker.id } },
      h('th', { scope: 'row', class: 'worker-host' }, worker.host, h('div', { class: 'muted small' }, h('code', {}, worker.id))),
      h('td', { class: 'worker-cpus' }, String(worker.cpuCores)),
      h('td', { class: 'worker-memory' }, formatBytes(worker.memoryBytes)),
      h('td', { class: 'worker-gpus' }, gpus.length === 0 ? h('span', { class: 'muted' }, 'None')
        : h('ul', { class: 'plain-list' }, gpus.map(gpu =>
          h('li', {}, `${gpu.name ?? 'GPU'} (${formatBytes(gpu.memoryBytes)})`)))),
      h('td', { class: 'worker-jobs' }, jobs.length === 0 ? h('span', { class: 'muted' }, 'Idle')
        : h('ul', { class: 'plain-list' }, jobs.map(id =>
          h('li', {}, h('a', { href: `#/jobs/${encodeURIComponent(id)}` }, h('code', { title: id }, String(id).slice(0, 8))))))),
      h('td', { class: 'worker-serving' }, !worker.servedInstances ? h('span', { class: 'muted' }, 'Nothing')
        : `${worker.servedInstances} ${worker.servedInstances === 1 ? 'instance' : 'instances'}`
          + (worker.reservedCores ? ` · ${worker.reservedCores} of ${worker.cpuCores} cores reserved` : '')),
      h('td', { class: 'worker-token' }, worker.runnerToken?.name ?? h('span', { class: 'muted' }, '—')),
      h('td', { class: 'worker-heartbeat' },
        h('time', { datetime: worker.heartbeatAt, title: formatDateTime(worker.heartbeatAt) }, relativeTime(worker.heartbeatAt))),
      h('td', {}, h('time', { datetime: worker.startedAt, title: formatDateTime(worker.startedAt) }, relativeTime(worker.startedAt))));
  }

  function show(workers) {
    shown = true;
    replaceChildren(message);
    replaceChildren(tableBody, (workers ?? []).map(row));
    table.hidden = !workers?.length;
    if (!workers?.length) {
      summary.textContent = 'No workers';
      replaceChildren(message, h('div', { class: 'empty', id: 'workers-empty' },
        h('p', {}, 'No job runners are connected, so queued jobs wait.'),
        h('p', { class: 'muted' }, 'Start one with ', h('code', {}, 'java -jar job-runner.jar'),
          ' and the same ', h('code', {}, 'DATABASE_URL'), ', or run ', h('code', {}, './modelcat'), '.')));
    } else {
      const busy = workers.filter(w => w.runningJobs?.length).length;
      summary.textContent = `${workers.length} ${workers.length === 1 ? 'worker' : 'workers'} · ${busy} busy`;
    }
  }

  // A failed refresh keeps the list on screen, says why, and the next one tries again.
  const refresh = poll({
    fetch: listWorkers,
    onAnswer: show,
    onError: error => {
      if (!shown) summary.textContent = 'The workers could not be loaded.';
      replaceChildren(message, problemView(error, () => refresh.now()));
    },
    intervalMs: REFRESH_MS,
    element: page,
  });
  return { unmount: refresh.stop };
}
