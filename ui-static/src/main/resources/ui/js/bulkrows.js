// A bulk test's rows: the run shown (or all), only failed ones if asked, sorted by the row, latency or a score (by
// the API, over every row), error rows marked, a page of 25 at a time read from the API.
import { bulkTestRows } from './api.js';
import { scoreNames } from './bulkresults.js';
import { h, problemView, replaceChildren } from './dom.js';
import { formatMetric } from './format.js';

const PAGE = 25;

/** The rows answered of `test` (its `answered` per run) in one run, or all; null when unknown. */
function answeredCount(test, run) {
  const answered = test.answered ?? null;
  if (!answered) return null;
  return run ? answered[run] ?? 0 : Object.values(answered).reduce((sum, n) => sum + n, 0);
}

/** The rows view of `test` (its id, runs, inputs and answered counts); returns { element, reload() }. */
export function bulkRowsView(test) {
  const runSelect = h('select', { id: 'bulk-rows-run' }, h('option', { value: '' }, 'All runs'),
    (test.runs ?? []).map(run => h('option', { value: run }, run)));
  const sortSelect = h('select', { id: 'bulk-rows-sort' });
  const orderSelect = h('select', { id: 'bulk-rows-order' },
    h('option', { value: 'asc' }, 'Ascending'), h('option', { value: 'desc' }, 'Descending'));
  const failedBox = h('input', { type: 'checkbox', id: 'bulk-rows-failed' });
  const reloadButton = h('button', { type: 'button', class: 'button', id: 'bulk-rows-reload' }, 'Reload rows');
  const summary = h('p', { id: 'bulk-rows-summary', class: 'summary', role: 'status' });
  const tableBox = h('div', { id: 'bulk-rows-table-box' });
  const previous = h('button', { type: 'button', class: 'button', id: 'bulk-rows-previous' }, '← Previous');
  const next = h('button', { type: 'button', class: 'button', id: 'bulk-rows-next' }, 'Next →');
  const pageLabel = h('span', { class: 'page-label', id: 'bulk-rows-page' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of rows', hidden: true }, previous, pageLabel, next);
  const seenScores = new Set();
  let rows = [];
  let more = false;
  let page = 0;
  let sequence = 0;

  function fillSorts() {
    const chosen = sortSelect.value || 'row';
    scoreNames(rows).forEach(name => seenScores.add(name));
    const choices = [['row', 'Row'], ['latency', 'Latency'], ...[...seenScores].sort().map(name => [`score:${name}`, `Score: ${name}`])];
    replaceChildren(sortSelect, choices.map(([value, label]) => h('option', { value, selected: value === chosen }, label)));
    if (!choices.some(([value]) => value === chosen)) sortSelect.value = 'row';
  }

  /** Reads the page shown (one row more than a page, to know whether another follows). */
  async function load() {
    const mine = ++sequence;
    summary.textContent = 'Loading rows…';
    const by = sortSelect.value || 'row';
    let answer;
    try {
      answer = await bulkTestRows(test.id, { variant: runSelect.value || undefined,
        sort: orderSelect.value === 'desc' ? `-${by}` : by, failed: failedBox.checked ? 'true' : undefined,
        offset: page * PAGE, limit: PAGE + 1 });
    } catch (error) {
      if (mine !== sequence) return;
      summary.textContent = 'The rows could not be loaded.';
      replaceChildren(tableBox, problemView(error, load));
      return;
    }
    if (mine !== sequence) return;
    const items = answer?.items ?? [];
    more = items.length > PAGE;
    rows = items.slice(0, PAGE);
    fillSorts();
    show();
  }

  function reload() {
    page = 0;
    return load();
  }

  function show() {
    const total = failedBox.checked ? null : answeredCount(test, runSelect.value);
    const from = page * PAGE + 1;
    const to = page * PAGE + rows.length;
    summary.textContent = rows.length === 0
      ? (page === 0 ? (failedBox.checked ? 'No failed rows.' : 'No rows answered yet.') : 'No more rows.')
      : `Rows ${from}–${to}${total != null ? ` of ${total}` : ''}${failedBox.checked ? ' that failed' : ''}.`;
    const shown = rows;
    const inputs = test.inputs ?? [];
    const scores = [...seenScores].sort();
    replaceChildren(tableBox, rows.length === 0 ? null : h('div', { class: 'table-scroll' }, h('table', { id: 'bulk-rows' },
      h('caption', { class: 'visually-hidden' }, 'Rows of the bulk test'),
      h('thead', {}, h('tr', {}, ['Run', 'Row', ...inputs.map(i => `Input ${i}`), 'Output', 'Latency', 'Tokens', 'Cost', ...scores]
        .map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, shown.map(r => h('tr', { class: r.error ? 'row-error' : null, dataset: { run: r.variant, row: r.row } },
        h('td', {}, r.variant),
        h('th', { scope: 'row' }, String(r.row)),
        inputs.map(i => h('td', { class: 'flow-cell' }, r.inputs?.[i] ?? '')),
        h('td', { class: 'flow-cell' }, r.error ? [h('span', { class: 'badge row-error-badge' }, 'Error'), ' ', h('span', { class: 'field-error' }, r.error)]
          : r.outputs?.output ?? ''),
        h('td', { class: 'metric-value' }, `${r.latencyMillis} ms`),
        h('td', { class: 'metric-value' }, `${r.promptTokens} + ${r.completionTokens}`),
        h('td', { class: 'metric-value' }, r.costUsd == null ? '—' : `$${formatMetric(r.costUsd)}`),
        scores.map(s => h('td', { class: 'metric-value', dataset: { score: s } }, formatMetric(r.scores?.[s])))))))));
    pager.hidden = page === 0 && !more;
    previous.disabled = page === 0;
    next.disabled = !more;
    pageLabel.textContent = `Page ${page + 1}`;
  }

  runSelect.addEventListener('change', reload);
  sortSelect.addEventListener('change', reload);
  orderSelect.addEventListener('change', reload);
  failedBox.addEventListener('change', reload);
  reloadButton.addEventListener('click', reload);
  previous.addEventListener('click', () => { page--; load(); });
  next.addEventListener('click', () => { page++; load(); });
  fillSorts();
  reload();

  const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);
  return {
    element: h('div', { class: 'bulk-rows' },
      h('div', { class: 'field-row bulk-rows-filters' }, field('bulk-rows-run', 'Run', runSelect),
        field('bulk-rows-sort', 'Sort by', sortSelect), field('bulk-rows-order', 'Order', orderSelect),
        h('div', { class: 'field' }, h('span', { class: 'field-label' }, '\u00a0'),
          h('label', { class: 'checkbox', for: 'bulk-rows-failed' }, failedBox, ' Only failed rows')),
        h('div', { class: 'field' }, h('span', { class: 'field-label' }, '\u00a0'), reloadButton)),
      summary, tableBox, pager),
    reload,
  };
}
