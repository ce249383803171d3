// The jobs page: newest first, filtered by state and kind, in keyset pages; refreshed while any job is active.
import { listJobs } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';
import { formatDateTime, formatDuration, relativeTime } from './format.js';
import { JOB_KINDS, JOB_STATES, bytesText, isActive, jobStateBadge, jobSubject, kindLabel, progressBar } from './jobstatus.js';
import { poll } from './polling.js';

const LIMIT = 20;
const REFRESH_MS = 2000;

/** The page's state as the hash holds it: state, kind, cursor, prev* (the cursors of earlier pages). */
function stateFromParams(params) {
  return {
    state: JOB_STATES.includes(params.get('state')) ? params.get('state') : '',
    kind: JOB_KINDS.includes(params.get('kind')) ? params.get('kind') : '',
    cursor: params.get('cursor') ?? '',
    prev: params.getAll('prev'),
  };
}

function hashFor(state) {
  const params = new URLSearchParams();
  if (state.state) params.set('state', state.state);
  if (state.kind) params.set('kind', state.kind);
  if (state.cursor) {
    for (const c of state.prev) params.append('prev', c);
    params.set('cursor', state.cursor);
  }
  const query = params.toString();
  return query ? `/jobs?${query}` : '/jobs';
}

function select(id, label, values, labelOf, chosen, onchange) {
  return [
    h('label', { for: id }, label),
    h('select', { id, name: id.replace(/^filter-/, ''), onchange },
      h('option', { value: '', selected: !chosen }, 'All'),
      values.map(value => h('option', { value, selected: value === chosen }, labelOf(value)))),
  ];
}

/** Mounts the jobs page into `root`; returns { update(params), unmount() }. */
export function mountJobs(root, params, navigate) {
  let state = stateFromParams(params);
  let refresh = null; // the list of the current filters and page, asked for again while a job on it is active
  let lastPage = null;
  let loading = false;

  const filters = h('form', { class: 'toolbar job-filters', 'aria-label': 'Filter jobs', onsubmit: e => e.preventDefault() });
  const summary = h('p', { id: 'jobs-summary', class: 'summary', role: 'status', 'aria-live': 'polite' }, 'Loading jobs…');
  const message = h('div', { id: 'jobs-message' });
  const tableBody = h('tbody', {});
  const table = h('div', { class: 'table-scroll', hidden: true }, h('table', { id: 'jobs', class: 'jobs-table' },
    h('caption', { class: 'visually-hidden' }, 'Jobs, newest first'),
    h('thead', {}, h('tr', {}, ['Job', 'Kind', 'State', 'Progress', 'Submitted', 'Duration']
      .map(title => h('th', { scope: 'col' }, title)))),
    tableBody));
  const previous = h('button', { type: 'button', class: 'button', id: 'jobs-previous', disabled: true }, '← Previous');
  const next = h('button', { type: 'button', class: 'button', id: 'jobs-next', disabled: true }, 'Next →');
  const pageLabel = h('span', { class: 'page-label' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages', hidden: true }, previous, pageLabel, next);
  const live = h('p', { id: 'jobs-live', class: 'muted live-note', hidden: true }, 'Updating every 2 seconds while jobs are queued or running.');

  const go = newState => {
    state = newState;
    navigate(hashFor(newState));
  };
  previous.addEventListener('click', () => {
    if (loading) return;
    go({ ...state, cursor: state.prev.at(-1) ?? '', prev: state.prev.slice(0, -1) });
  });
  next.addEventListener('click', () => {
    if (loading || !lastPage?.nextCursor) return;
    go({ ...state, cursor: lastPage.nextCursor, prev: [...state.prev, state.cursor] });
  });

  const page = h('div', { class: 'jobs-page' },
    h('div', { class: 'page-head' }, h('h1', { id: 'jobs-heading' }, 'Jobs')),
    filters, summary, live, message, table, pager);
  replaceChildren(root, page);

  function renderFilters() {
    replaceChildren(filters,
      select('filter-state', 'State', JOB_STATES, s => s[0].toUpperCase() + s.slice(1), state.state,
        e => go({ ...state, state: e.target.value, cursor: '', prev: [] })),
      select('filter-kind', 'Kind', JOB_KINDS, kindLabel, state.kind,
        e => go({ ...state, kind: e.target.value, cursor: '', prev: [] })));
  }

  function row(job) {
    const link = h('a', { href: `#/jobs/${encodeURIComponent(job.id)}`, class: 'job-link', dataset: { jobId: job.id } },
      jobSubject(job));
    const modelId = job.result?.modelId ?? job.modelId;
    return h('tr', { dataset: { jobId: job.id, state: job.state } },
      h('th', { scope: 'row' }, link,
        h('div', { class: 'muted small' }, h('code', { title: job.id }, job.id.slice(0, 8)),
          modelId ? [' · ', h('a', { href: `#/models/${encodeURIComponent(modelId)}` }, 'model')] : null)),
      h('td', { class: 'job-kind' }, kindLabel(job.kind)),
      h('td', { class: 'job-state-cell' }, jobStateBadge(job)),
      h('td', { class: 'job-progress' }, progressBar(job, `Progress of ${jobSubject(job)}`),
        bytesText(job) ? h('div', { class: 'muted small' }, bytesText(job)) : null),
      h('td', {}, h('time', { datetime: job.submittedAt, title: formatDateTime(job.submittedAt) }, relativeTime(job.submittedAt))),
      h('td', {}, job.startedAt ? formatDuration(job.startedAt, job.finishedAt) : '—'));
  }

  function renderPage(answer) {
    lastPage = answer;
    const items = answer.items ?? [];
    const filtered = state.state || state.kind;
    if (items.length === 0) {
      summary.textContent = 'No jobs';
      replaceChildren(message, h('div', { class: 'empty' },
        h('p', {}, state.cursor ? 'No more jobs.' : filtered ? 'No jobs match these filters.'
          : 'No jobs yet. Import a model from the catalog to start one.')));
    } else {
      const first = state.prev.length * LIMIT + 1;
      summary.textContent = state.cursor && !state.prev.length ? `Showing ${items.length} jobs`
        : `Showing ${first}–${first + items.length - 1}`;
      replaceChildren(message);
    }
    // A refresh must not take the reader's focus away from the link they are on.
    const focused = document.activeElement?.dataset?.jobId;
    replaceChildren(tableBody, items.map(row));
    if (focused) tableBody.querySelector(`a[data-job-id="${CSS.escape(focused)}"]`)?.focus();
    table.hidden = items.length === 0;
    previous.disabled = state.prev.length === 0 && !state.cursor;
    next.disabled = !answer.nextCursor;
    pager.hidden = previous.disabled && next.disabled;
    pageLabel.textContent = pager.hidden || (state.cursor && !state.prev.length) ? '' : `Page ${state.prev.length + 1}`;
    live.hidden = !items.some(isActive);
  }

  /** Loads the page the state names, then refreshes it while any of its jobs is queued or running. */
  function load() {
    refresh?.stop();
    let shown = false;
    const settle = () => {
      loading = false;
      table.removeAttribute('aria-busy');
    };
    loading = true;
    table.setAttribute('aria-busy', 'true');
    const query = { state: state.state, kind: state.kind, limit: LIMIT, cursor: state.cursor };
    refresh = poll({
      fetch: () => listJobs(query),
      onAnswer: answer => {
        shown = true;
        settle();
        renderPage(answer);
      },
      onError: error => {
        settle();
        if (shown) {
          // A refresh that fails keeps the list, says why and tries again.
          replaceChildren(message, problemView(error));
          return true;
        }
        lastPage = null;
        summary.textContent = 'The jobs could not be loaded.';
        table.hidden = true;
        replaceChildren(message, problemView(error, load));
        next.disabled = true;
        return false;
      },
      until: answer => !(answer.items ?? []).some(isActive),
      intervalMs: REFRESH_MS,
      retryMs: REFRESH_MS * 2,
      element: page,
    });
  }

  function update(newParams) {
    state = stateFromParams(newParams);
    document.title = 'Jobs · ModelCat';
    renderFilters();
    load();
  }

  update(params);
  return { update, unmount: () => refresh?.stop() };
}
