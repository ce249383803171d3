// A bulk test's rows: the run shown (or all), sorted by the row, latency or a score, error rows marked, in pages. The
// rows are read from the API in pages of 1,000 (up to MAX_ROWS, the CSV has them all) so that sorting covers them all.
import { bulkTestRows } from './api.js';
import { scoreNames, sortRows } from './bulkresults.js';
import { h, problemView, replaceChildren } from './dom.js';
import { formatMetric } from './format.js';

const API_PAGE = 1000;
const MAX_ROWS = 10_000;
const PAGE = 25;

/** The rows view of `test` (its id and runs); returns { element, reload() }. */
export function bulkRowsView(test) {
  const runSelect = h('select', { id: 'bulk-rows-run' }, h('option', { value: '' }, 'All runs'),
    (test.runs ?? []).map(run => h('option', { value: run }, run)));
  const sortSelect = h('select', { id: 'bulk-rows-sort' });
  const orderSelect = h('select', { id: 'bulk-rows-order' },
    h('option', { value: 'asc' }, 'Ascending'), h('option', { value: 'desc' }, 'Descending'));
  const reloadButton = h('button', { type: 'button', class: 'button', id: 'bulk-rows-reload' }, 'Reload rows');
  const summary = h('p', { id: 'bulk-rows-summary', class: 'summary', role: 'status' });
  const tableBox = h('div', { id: 'bulk-rows-table-box' });
  const previous = h('button', { type: 'button', class: 'button', id: 'bulk-rows-previous' }, '← Previous');
  const next = h('button', { type: 'button', class: 'button', id: 'bulk-rows-next' }, 'Next →');
  const pageLabel = h('span', { class: 'page-label', id: 'bulk-rows-page' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of rows', hidden: true }, previous, pageLabel, next);
  let rows = [];
  let page = 0;
  let sequence = 0;

  function fillSorts() {
    const chosen = sortSelect.value || 'row';
    const choices = [['row', 'Row'], ['latency', 'Latency'], ...scoreNames(rows).map(name => [`score:${name}`, `Score: ${name}`])];
    replaceChildren(sortSelect, choices.map(([value, label]) => h('option', { value, selected: value === chosen }, label)));
    if (!choices.some(([value]) => value === chosen)) sortSelect.value = 'row';
  }

  async function reload() {
    const mine = ++sequence;
    summary.textContent = 'Loading rows…';
    const loaded = [];
    try {
      for (let offset = 0; offset < MAX_ROWS; offset += API_PAGE) {
        const answer = await bulkTestRows(test.id, { variant: runSelect.value || undefined, offset, limit: API_PAGE });
        if (mine !== sequence) return;
        const items = answer?.items ?? [];
        loaded.push(...items);
        if (items.length < API_PAGE) break;
      }
    } catch (error) {
      if (mine !== sequence) return;
      summary.textContent = 'The rows could not be loaded.';
      replaceChildren(tableBox, problemView(error, reload));
      return;
    }
    rows = loaded;
    page = 0;
    fillSorts();
    show();
  }

  function show() {
    const sorted = sortRows(rows, sortSelect.value || 'row', orderSelect.value === 'desc');
    const errors = rows.filter(r => r.error).length;
    summary.textContent = rows.length === 0 ? 'No rows answered yet.'
      : `${rows.length}${rows.length >= MAX_ROWS ? '+' : ''} rows${errors ? `, ${errors} with an error` : ''}`
        + (rows.length >= MAX_ROWS ? `: the first ${MAX_ROWS} are shown; the CSV has them all.` : '.');
    const pages = Math.max(1, Math.ceil(sorted.length / PAGE));
    page = Math.min(page, pages - 1);
    const shown = sorted.slice(page * PAGE, (page + 1) * PAGE);
    const inputs = test.inputs ?? [];
    const scores = scoreNames(rows);
    replaceChildren(tableBox, rows.length === 0 ? null : h('div', { class: 'table-scroll' }, h('table', { id: 'bulk-rows' },
      h('caption', { class: 'visually-hidden' }, 'Rows of the bulk test'),
      h('thead', {}, h('tr', {}, ['Run', 'Row', ...inputs.map(i => `Input ${i}`), 'Output', 'Latency', 'Tokens', ...scores]
        .map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, shown.map(r => h('tr', { class: r.error ? 'row-error' : null, dataset: { run: r.variant, row: r.row } },
        h('td', {}, r.variant),
        h('th', { scope: 'row' }, String(r.row)),
        inputs.map(i => h('td', { class: 'flow-cell' }, r.inputs?.[i] ?? '')),
        h('td', { class: 'flow-cell' }, r.error ? [h('span', { class: 'badge row-error-badge' }, 'Error'), ' ', h('span', { class: 'field-error' }, r.error)]
          : r.outputs?.output ?? ''),
        h('td', { class: 'metric-value' }, `${r.latencyMillis} ms`),
        h('td', { class: 'metric-value' }, `${r.promptTokens} + ${r.completionTokens}`),
        scores.map(s => h('td', { class: 'metric-value', dataset: { score: s } }, formatMetric(r.scores?.[s])))))))));
    pager.hidden = pages <= 1;
    previous.disabled = page === 0;
    next.disabled = page >= pages - 1;
    pageLabel.textContent = `Page ${page + 1} of ${pages}`;
  }

  runSelect.addEventListener('change', reload);
  sortSelect.addEventListener('change', () => { page = 0; show(); });
  orderSelect.addEventListener('change', () => { page = 0; show(); });
  reloadButton.addEventListener('click', reload);
  previous.addEventListener('click', () => { page--; show(); });
  next.addEventListener('click', () => { page++; show(); });
  fillSorts();
  reload();

  const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);
  return {
    element: h('div', { class: 'bulk-rows' },
      h('div', { class: 'field-row bulk-rows-filters' }, field('bulk-rows-run', 'Run', runSelect),
        field('bulk-rows-sort', 'Sort by', sortSelect), field('bulk-rows-order', 'Order', orderSelect),
        h('div', { class: 'field' }, h('span', { class: 'field-label' }, '\u00a0'), reloadButton)),
      summary, tableBox, pager),
    reload,
  };
}
