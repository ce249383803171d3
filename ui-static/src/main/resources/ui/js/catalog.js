// The catalog page: search, facet filters, sort and keyset pagination over GET /api/v1/models.
// Everything the reader chose lives in the URL hash, so reload, back and shared links show the same list.
import { listModels } from './api.js';
import { CODE_NOT_LOADED, h, replaceChildren, problemView, statusBadge, taskBadge } from './dom.js';
import { can } from './session.js';

const DEFAULT_LIMIT = 24;
const SEARCH_DELAY_MS = 300;

const SORTS = [
  ['relevance', 'Best match'],
  ['name', 'Name (A–Z)'],
  ['-name', 'Name (Z–A)'],
  ['-createdAt', 'Newest first'],
  ['createdAt', 'Oldest first'],
  ['-updatedAt', 'Recently updated'],
];

const FACETS = [
  ['task', 'Task'],
  ['finetuningTask', 'Fine-tuning task'],
  ['license', 'Licence'],
];

/** The catalog's state as the hash holds it: q, task*, finetuningTask*, license*, sort, limit, cursor, prev*. */
export function stateFromParams(params) {
  const limit = parseInt(params.get('limit') ?? '', 10);
  return {
    q: params.get('q') ?? '',
    task: params.getAll('task'),
    finetuningTask: params.getAll('finetuningTask'),
    license: params.getAll('license'),
    sort: params.get('sort') ?? '',
    limit: limit >= 1 && limit <= 100 ? limit : DEFAULT_LIMIT,
    cursor: params.get('cursor') ?? '',
    // The cursors of the pages before this one, oldest first ('' is the first page): Previous pops one.
    prev: params.getAll('prev'),
  };
}

function hashFor(state) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const name of ['task', 'finetuningTask', 'license']) for (const v of state[name]) params.append(name, v);
  if (state.sort) params.set('sort', state.sort);
  if (state.limit !== DEFAULT_LIMIT) params.set('limit', String(state.limit));
  if (state.cursor) {
    for (const c of state.prev) params.append('prev', c);
    params.set('cursor', state.cursor);
  }
  const query = params.toString();
  return query ? `/?${query}` : '/';
}

/** A new list (other filters, search or sort) starts again at the first page. */
function firstPage(state, changes) {
  return { ...state, ...changes, cursor: '', prev: [] };
}

/** Mounts the catalog into `root`; returns { update(params), unmount() }. */
export function mountCatalog(root, params, navigate) {
  let state = stateFromParams(params);
  let requestNumber = 0;
  let searchTimer = null;
  let lastPage = null;
  let lastFacets = null; // kept through a failed load, so the filters stay usable
  let loading = false;
  let scrollToTop = false; // after Next or Previous, show the new page from its start

  const search = h('input', {
    type: 'search', id: 'search', name: 'q', autocomplete: 'off', spellcheck: 'false', maxlength: '200',
    placeholder: 'Search by name, tag, publisher or description', value: state.q,
  });
  const sort = h('select', { id: 'sort', name: 'sort' });
  const summary = h('p', { id: 'summary', class: 'summary', role: 'status', 'aria-live': 'polite' }, 'Loading models…');
  const message = h('div', { id: 'catalog-message' });
  const grid = h('ul', { id: 'grid', class: 'grid', 'aria-label': 'Models', 'aria-busy': 'true' });
  const previous = h('button', { type: 'button', class: 'button', id: 'previous', disabled: true }, '← Previous');
  const next = h('button', { type: 'button', class: 'button', id: 'next', disabled: true }, 'Next →');
  const pageLabel = h('span', { id: 'page-label', class: 'page-label' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages', hidden: true }, previous, pageLabel, next);
  const filters = h('div', { class: 'facets' });
  const clear = h('button', { type: 'button', class: 'link-button', id: 'clear-filters', hidden: true }, 'Clear all filters');

  // The state changes at once, not when the hashchange arrives, so a second quick click builds on the first.
  const go = (newState, options) => {
    state = newState;
    navigate(hashFor(newState), options);
  };

  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => applySearch(), SEARCH_DELAY_MS);
  });
  function applySearch() {
    clearTimeout(searchTimer);
    const q = search.value.trim();
    if (q === state.q) return;
    go(firstPage(state, { q, sort: !q && state.sort === 'relevance' ? '' : state.sort }));
  }
  sort.addEventListener('change', () => go(firstPage(state, { sort: sort.value })));
  // While a page loads, Next and Previous would start from a stale page: they wait for it.
  previous.addEventListener('click', () => {
    if (loading) return;
    scrollToTop = true;
    go({ ...state, cursor: state.prev.at(-1) ?? '', prev: state.prev.slice(0, -1) });
  });
  next.addEventListener('click', () => {
    if (loading || !lastPage?.nextCursor) return;
    scrollToTop = true;
    go({ ...state, cursor: lastPage.nextCursor, prev: [...state.prev, state.cursor] });
  });
  clear.addEventListener('click', () => go(firstPage(state, { q: '', task: [], finetuningTask: [], license: [],
    sort: state.sort === 'relevance' ? '' : state.sort })));

  const view = h('div', { class: 'catalog' },
    h('div', { class: 'page-head' },
      h('h1', { id: 'catalog-heading' }, 'Model catalog'),
      can('contributor') ? h('div', { class: 'page-actions' },
        h('button', { type: 'button', class: 'button', id: 'open-catalog-import',
          onclick: () => openDialog(import('./catalogimportdialog.js'), m => m.openCatalogImportDialog) }, 'Import a catalog archive'),
        h('button', { type: 'button', class: 'button', id: 'open-upload',
          onclick: () => openDialog(import('./uploaddialog.js'), m => m.openUploadDialog) }, 'Upload a model'),
        h('button', { type: 'button', class: 'button primary', id: 'open-import',
          onclick: () => openDialog(import('./importdialog.js'), m => m.openImportDialog) }, 'Import from Hugging Face'))
        : null),
    h('aside', { class: 'filters', 'aria-labelledby': 'filters-heading' },
      h('div', { class: 'filters-head' }, h('h2', { id: 'filters-heading' }, 'Filters'), clear),
      filters),
    h('section', { class: 'results', 'aria-label': 'Models' },
      h('form', { class: 'toolbar', role: 'search', onsubmit: event => { event.preventDefault(); applySearch(); } },
        h('label', { for: 'search', class: 'visually-hidden' }, 'Search models'),
        search,
        h('label', { for: 'sort', class: 'sort-label' }, 'Sort by'),
        sort),
      summary,
      message,
      grid,
      pager));
  replaceChildren(root, view);

  function renderSort() {
    const selected = state.sort || (state.q ? 'relevance' : 'name');
    replaceChildren(sort, SORTS.filter(([value]) => value !== 'relevance' || state.q)
      .map(([value, label]) => h('option', { value, selected: value === selected }, label)));
  }

  function renderFacets(facets) {
    const focused = document.activeElement?.dataset?.facetKey;
    replaceChildren(filters, FACETS.map(([name, legend]) => {
      const counts = { ...(facets?.[name] ?? {}) };
      for (const value of state[name]) if (!(value in counts)) counts[value] = 0;
      const values = Object.keys(counts);
      return h('fieldset', { class: 'facet', dataset: { facet: name } },
        h('legend', {}, legend),
        values.length === 0 ? h('p', { class: 'muted' }, 'None') : h('ul', {}, values.map((value, index) => {
          const id = `facet-${name}-${index}`;
          const checkbox = h('input', {
            type: 'checkbox', id, value, checked: state[name].includes(value), dataset: { facetKey: `${name}:${value}` },
            onchange: event => {
              const chosen = event.target.checked ? [...state[name], value] : state[name].filter(v => v !== value);
              go(firstPage(state, { [name]: chosen }));
            },
          });
          return h('li', { dataset: { value } }, checkbox,
            h('label', { for: id }, h('span', { class: 'facet-value' }, value),
              h('span', { class: 'count' }, String(counts[value]))));
        })));
    }));
    if (focused) filters.querySelector(`[data-facet-key="${CSS.escape(focused)}"]`)?.focus();
    clear.hidden = !(state.q || state.task.length || state.finetuningTask.length || state.license.length);
  }

  // The dialogs' code loads when one is first opened. The list may change once the dialog has queued an import (a
  // new card, a status): it is shown afresh when the dialog closes.
  function openDialog(module, opener) {
    module.then(m => opener(m)({ onClose: () => { if (view.isConnected) load(); } }),
      () => replaceChildren(message, problemView({ title: 'The dialog could not be loaded',
        detail: CODE_NOT_LOADED })));
  }

  function card(model) {
    return h('li', { class: 'card', dataset: { id: model.id } },
      h('div', { class: 'card-head' },
        h('h3', { class: 'card-title' }, h('a', { href: `#/models/${encodeURIComponent(model.id)}` }, model.name)),
        statusBadge(model.status)),
      model.publisher ? h('p', { class: 'publisher' }, model.publisher) : null,
      model.hosted ? h('p', { class: 'hosted-source muted' }, `${model.hosted.kind} via connection `,
        h('code', {}, model.hosted.connection)) : null,
      h('p', { class: 'card-summary' }, model.excerpt),
      h('div', { class: 'card-meta' },
        taskBadge(model.task),
        h('span', { class: 'badge license', title: 'Licence' }, model.license)),
      model.tags?.length ? h('ul', { class: 'tags', 'aria-label': 'Tags' },
        model.tags.slice(0, 5).map(tag => h('li', { class: 'tag' }, tag)),
        model.tags.length > 5 ? h('li', { class: 'tag more' }, `+${model.tags.length - 5}`) : null) : null);
  }

  function renderPage(page) {
    lastPage = page;
    lastFacets = page.facets ?? null;
    const items = page.items ?? [];
    const first = state.prev.length * state.limit + 1;
    const total = page.total ?? null;
    if (items.length === 0) {
      summary.textContent = total === 0 || total === null ? 'No models' : `${total} models`;
      replaceChildren(message, h('div', { class: 'empty' },
        h('p', {}, state.cursor ? 'No more models on this page.' : 'No models match your search and filters.'),
        clear.hidden ? null : h('button', { type: 'button', class: 'button', onclick: () => clear.click() }, 'Clear all filters')));
    } else {
      // A shared link may hold a cursor without the pages before it: then the position is unknown.
      const last = first + items.length - 1;
      const range = state.cursor && !state.prev.length ? `${items.length}` : first === last ? `${first}` : `${first}–${last}`;
      summary.textContent = total === null ? `Showing ${range}`
        : `${total} ${total === 1 ? 'model' : 'models'}${total > items.length ? ` · showing ${range}` : ''}`;
      replaceChildren(message);
    }
    replaceChildren(grid, items.map(card));
    if (scrollToTop) {
      scrollToTop = false;
      if (view.getBoundingClientRect().top < 0) view.scrollIntoView();
    }
    previous.disabled = state.prev.length === 0 && !state.cursor;
    next.disabled = !page.nextCursor;
    const numberKnown = !state.cursor || state.prev.length > 0;
    pager.hidden = previous.disabled && next.disabled;
    pageLabel.textContent = (previous.disabled && next.disabled) || !numberKnown ? '' : `Page ${state.prev.length + 1}`;
    renderFacets(page.facets);
  }

  async function load() {
    const mine = ++requestNumber;
    loading = true;
    grid.setAttribute('aria-busy', 'true');
    view.classList.add('is-loading');
    try {
      // Each card shows its excerpt (plain text the service makes from the description): no Markdown here.
      const page = await listModels({
        task: state.task, finetuningTask: state.finetuningTask, license: state.license,
        q: state.q, sort: state.sort, limit: state.limit, cursor: state.cursor, facets: true,
      });
      if (mine !== requestNumber) return;
      renderPage(page);
    } catch (error) {
      if (mine !== requestNumber) return;
      lastPage = null;
      summary.textContent = 'The models could not be loaded.';
      replaceChildren(grid);
      replaceChildren(message, problemView(error, load));
      previous.disabled = !state.cursor;
      next.disabled = true;
      pager.hidden = previous.disabled;
      renderFacets(lastFacets);
    } finally {
      if (mine === requestNumber) {
        loading = false;
        grid.setAttribute('aria-busy', 'false');
        view.classList.remove('is-loading');
      }
    }
  }

  function update(newParams) {
    state = stateFromParams(newParams);
    // While the reader types, the box is theirs: a list arriving for an earlier text must not overwrite it.
    if (document.activeElement !== search) search.value = state.q;
    document.title = state.q ? `“${state.q}” · ModelCat` : 'Catalog · ModelCat';
    renderSort();
    load();
  }

  update(params);
  return { update, unmount: () => { clearTimeout(searchTimer); requestNumber++; } };
}
