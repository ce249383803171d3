// Entry point: hash routing between the catalog (#/?filters), a model card (#/models/{id}), the jobs
// (#/jobs?filters), a job (#/jobs/{id}), the workers (#/workers), the evaluate and fine-tune pages
// (#/models/{id}/evaluate, #/models/{id}/finetune) and the comparison (#/compare?datasetId&task&metric).
import { mountCatalog } from './catalog.js';
import { mountCompare } from './compare.js';
import { mountJob } from './job.js';
import { mountJobs } from './jobs.js';
import { mountModel } from './model.js';
import { mountWorkers } from './workers.js';
import { mountWizard } from './wizard.js';

const main = document.getElementById('main');
let current = null; // { page: 'catalog' | 'model' | 'jobs' | 'job' | 'workers', view }
let catalogHash = '#/'; // the catalog as last seen, so a model page's back link keeps the reader's filters

/** The hash as a path and its query parameters: '#/models/x?a=1' gives '/models/x' and a=1. */
function parseHash() {
  const raw = location.hash.replace(/^#/, '');
  const mark = raw.indexOf('?');
  const path = mark < 0 ? raw : raw.slice(0, mark);
  const params = new URLSearchParams(mark < 0 ? '' : raw.slice(mark + 1));
  return { path: path || '/', params };
}

/** Goes to a hash; `replace` keeps the history entry (for corrections that should not add a step). */
export function navigate(hash, { replace = false } = {}) {
  if (`#${hash}` === location.hash) return;
  if (replace) {
    history.replaceState(history.state, '', `#${hash}`);
    route();
  } else {
    location.hash = hash;
  }
}

/** Shows a page that is mounted afresh on each visit, at the top, with the focus on its content. */
function show(page, nav, mount) {
  highlightNav(nav);
  current?.view.unmount?.();
  current = { page, view: mount() };
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

/** Shows a page that keeps its view while only its query changes (filters, pages). */
function showListPage(page, params, mount) {
  highlightNav(page);
  if (current?.page === page) {
    current.view.update(params);
  } else {
    current?.view.unmount?.();
    current = { page, view: mount() };
  }
}

function route() {
  const { path, params } = parseHash();
  const model = /^\/models\/([^/]+)\/?$/.exec(path);
  const job = /^\/jobs\/([^/]+)\/?$/.exec(path);
  const wizard = /^\/models\/([^/]+)\/(evaluate|finetune)\/?$/.exec(path);
  if (wizard) {
    show('wizard', null, () => mountWizard(main, decodeURIComponent(wizard[1]), wizard[2], navigate));
  } else if (path === '/compare' || path === '/compare/') {
    showListPage('compare', params, () => mountCompare(main, params, navigate));
  } else if (model) {
    show('model', null, () => mountModel(main, decodeURIComponent(model[1]), catalogHash));
  } else if (job) {
    show('job', 'jobs', () => mountJob(main, decodeURIComponent(job[1])));
  } else if (path === '/') {
    catalogHash = location.hash || '#/';
    showListPage('catalog', params, () => mountCatalog(main, params, navigate));
  } else if (path === '/jobs' || path === '/jobs/') {
    showListPage('jobs', params, () => mountJobs(main, params, navigate));
  } else if (path === '/workers' || path === '/workers/') {
    show('workers', 'workers', () => mountWorkers(main));
  } else {
    highlightNav(null);
    current?.view.unmount?.();
    current = null;
    document.title = 'Not found · ModelCat';
    main.replaceChildren();
    const heading = document.createElement('h1');
    heading.textContent = 'Page not found';
    const back = document.createElement('a');
    back.href = '#/';
    back.textContent = 'Back to the catalog';
    main.append(heading, back);
  }
}

function highlightNav(active) {
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

// The skip link must not change the route: focus the content instead.
document.getElementById('skip-link').addEventListener('click', event => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', route);
route();
