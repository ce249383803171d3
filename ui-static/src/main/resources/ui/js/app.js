// Entry point: hash routing between the catalog (#/?filters), a model card (#/models/{id}), the jobs
// (#/jobs?filters), a job (#/jobs/{id}), the workers (#/workers), the evaluate, fine-tune and deploy pages
// (#/models/{id}/evaluate, #/models/{id}/finetune, #/models/{id}/deploy), the endpoints (#/endpoints) and an
// endpoint (#/endpoints/{name}), the batch endpoints (#/batch-endpoints) and one (#/batch-endpoints/{name}), the comparison (#/compare?datasetId&task&metric),
// the prompt flows (#/flows), a flow (#/flows/{name}) and a bulk test (#/bulk-tests/{id}),
// the account (#/account), the admin pages (#/admin, #/audit) and the sign-in (#/login?next=hash).
// Nothing but the sign-in shows until a session is open.
import { whenUnauthenticated } from './api.js';
import { mountBatchEndpoint } from './batchendpoint.js';
import { mountBatchEndpoints } from './batchendpoints.js';
import { mountBulkTest } from './bulktest.js';
import { mountCatalog } from './catalog.js';
import { mountCompare } from './compare.js';
import { mountDeploy } from './deploy.js';
import { h } from './dom.js';
import { mountEndpoint } from './endpoint.js';
import { mountEndpoints } from './endpoints.js';
import { mountFlow } from './flow.js';
import { mountFlows } from './flows.js';
import { mountJob } from './job.js';
import { mountJobs } from './jobs.js';
import { mountLogin } from './login.js';
import { mountModel } from './model.js';
import { can, currentUser, forgetSession, loadSession, signOut } from './session.js';
import { mountWorkers } from './workers.js';
import { mountWizard } from './wizard.js';

const main = document.getElementById('main');
let current = null; // { page: 'catalog' | 'model' | 'jobs' | 'job' | 'workers' | 'endpoints' | 'endpoint' | …, view }
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

/** The sign-in page; afterwards, back to `next` (the page that asked for it). */
function showLogin(next, reason) {
  highlightNav(null);
  showUser();
  current?.view.unmount?.();
  current = { page: 'login', view: mountLogin(main, { reason, onSignedIn: () => {
    showUser();
    current = null;
    const target = next && !next.startsWith('#/login') ? next : '#/';
    if (target !== location.hash) {
      location.hash = target; // the hashchange shows it
    } else {
      route();
    }
  } }) };
}

/** The signed-in account in the top bar, and the Admin link for admins. */
function showUser() {
  const user = currentUser();
  document.getElementById('user-menu').hidden = !user;
  document.getElementById('main-nav').hidden = !user;
  document.getElementById('nav-admin-item').hidden = !can('admin');
  const link = document.getElementById('user-link');
  link.replaceChildren(...(user ? [user.username, ' ', h('span', { class: 'badge role' }, user.role)] : []));
  link.title = user?.displayName ? `${user.displayName}: your account and API tokens` : 'Your account and API tokens';
}

/** Shows a page whose module is loaded on first use. */
function showLater(page, nav, load, mount) {
  load().then(module => {
    if (parseHash().path === `/${page}`) show(page, nav, () => mount(module));
  });
}

/** What non-admins get on an admin page: a clear refusal instead of a page of errors. */
function adminOnly() {
  document.title = 'Not allowed · ModelCat';
  main.replaceChildren(h('h1', {}, 'Admins only'), h('p', {}, `This page is for admins; you are a ${currentUser()?.role}.`));
  return {};
}

function route() {
  const { path, params } = parseHash();
  if (!currentUser()) {
    showLogin(path === '/login' ? params.get('next') : location.hash);
    return;
  }
  if (path === '/login') {
    navigate(params.get('next') || '/', { replace: true });
    return;
  }
  // The account and admin pages load their code when first opened: the catalog comes up without it.
  if (path === '/account') {
    showLater('account', 'account', () => import('./account.js'), page =>
      page.mountAccount(main, { onPasswordChanged: () => showLogin('#/', 'Password changed: sign in with the new one.') }));
    return;
  }
  if (path === '/admin') {
    if (can('admin')) showLater('admin', 'admin', () => import('./admin.js'), page => page.mountAdmin(main));
    else show('admin', 'admin', () => adminOnly());
    return;
  }
  if (path === '/audit') {
    if (can('admin')) {
      import('./audit.js').then(page => showListPage('audit', params, () => page.mountAudit(main, params, navigate)));
    } else {
      show('audit', 'admin', () => adminOnly());
    }
    return;
  }
  const model = /^\/models\/([^/]+)\/?$/.exec(path);
  const job = /^\/jobs\/([^/]+)\/?$/.exec(path);
  const wizard = /^\/models\/([^/]+)\/(evaluate|finetune)\/?$/.exec(path);
  const deploy = /^\/models\/([^/]+)\/deploy\/?$/.exec(path);
  const endpoint = /^\/endpoints\/([^/]+)\/?$/.exec(path);
  const batchEndpoint = /^\/batch-endpoints\/([^/]+)\/?$/.exec(path);
  const flow = /^\/flows\/([^/]+)\/?$/.exec(path);
  const bulkTest = /^\/bulk-tests\/([^/]+)\/?$/.exec(path);
  if (wizard) {
    show('wizard', null, () => mountWizard(main, decodeURIComponent(wizard[1]), wizard[2], navigate));
  } else if (deploy) {
    show('deploy', null, () => mountDeploy(main, decodeURIComponent(deploy[1]), navigate));
  } else if (endpoint) {
    show('endpoint', 'endpoints', () => mountEndpoint(main, decodeURIComponent(endpoint[1]), navigate));
  } else if (path === '/endpoints' || path === '/endpoints/') {
    show('endpoints', 'endpoints', () => mountEndpoints(main));
  } else if (batchEndpoint) {
    show('batch-endpoint', 'batch-endpoints', () => mountBatchEndpoint(main, decodeURIComponent(batchEndpoint[1]), navigate));
  } else if (path === '/batch-endpoints' || path === '/batch-endpoints/') {
    show('batch-endpoints', 'batch-endpoints', () => mountBatchEndpoints(main, navigate));
  } else if (flow) {
    show('flow', 'flows', () => mountFlow(main, decodeURIComponent(flow[1]), navigate));
  } else if (path === '/flows' || path === '/flows/') {
    show('flows', 'flows', () => mountFlows(main, navigate));
  } else if (bulkTest) {
    show('bulk-test', 'flows', () => mountBulkTest(main, decodeURIComponent(bulkTest[1]), navigate));
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
document.getElementById('sign-out').addEventListener('click', async () => {
  try {
    await signOut();
  } catch {
    forgetSession();
  }
  showLogin('#/', 'You have signed out.');
});
// A 401 from any call means the session ended (expired, signed out elsewhere): ask to sign in again.
whenUnauthenticated(() => {
  if (current?.page === 'login') return;
  forgetSession();
  showLogin(location.hash, 'Your session has ended; sign in again.');
});
window.addEventListener('hashchange', route);
loadSession().then(() => {
  showUser();
  route();
}, () => {
  main.replaceChildren(h('h1', {}, 'The catalog service cannot be reached'),
    h('p', {}, 'Reload the page to try again.'));
});
