// Entry point: hash routing between the catalog (#/?filters), a model card (#/models/{id}), the jobs
// (#/jobs?filters), a job (#/jobs/{id}), the workers (#/workers), the evaluate, fine-tune and deploy pages
// (#/models/{id}/evaluate, #/models/{id}/finetune, #/models/{id}/deploy), the endpoints (#/endpoints) and an
// endpoint (#/endpoints/{name}), the batch endpoints (#/batch-endpoints) and one (#/batch-endpoints/{name}), the comparison (#/compare?datasetId&task&metric),
// the prompt flows (#/flows), a flow (#/flows/{name}) and a bulk test (#/bulk-tests/{id}),
// the account (#/account), the admin pages (#/admin, #/audit) and the sign-in (#/login?next=hash).
// Nothing but the sign-in shows until a session is open.
import { whenUnauthenticated } from './api.js';
import { CODE_NOT_LOADED, h } from './dom.js';
import { mountLogin } from './login.js';
import { can, currentUser, forgetSession, loadSession, signOut } from './session.js';

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
function showListPage(page, nav, params, mount) {
  highlightNav(nav);
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

/** What non-admins get on an admin page: a clear refusal instead of a page of errors. */
function adminOnly() {
  document.title = 'Not allowed · ModelCat';
  main.replaceChildren(h('h1', {}, 'Admins only'), h('p', {}, `This page is for admins; you are a ${currentUser()?.role}.`));
  return {};
}

/** A hash path's segment, decoded. */
const arg = match => decodeURIComponent(match[1]);

/**
 * The pages: a path pattern, the page's module (loaded when the page is first opened, so that the catalog comes up
 * without the other pages' code), its nav item, whether it keeps its view while its query changes (list pages), who
 * may see it, and how it mounts.
 */
const PAGES = [
  { path: /^\/$/, page: 'catalog', list: true, load: () => import('./catalog.js'),
    mount: (m, match, params) => m.mountCatalog(main, params, navigate) },
  { path: /^\/models\/([^/]+)\/?$/, page: 'model', nav: null, load: () => import('./model.js'),
    mount: (m, match) => m.mountModel(main, arg(match), catalogHash) },
  { path: /^\/models\/([^/]+)\/(evaluate|finetune)\/?$/, page: 'wizard', nav: null, load: () => import('./wizard.js'),
    mount: (m, match) => m.mountWizard(main, arg(match), match[2], navigate) },
  { path: /^\/models\/([^/]+)\/deploy\/?$/, page: 'deploy', nav: null, load: () => import('./deploy.js'),
    mount: (m, match) => m.mountDeploy(main, arg(match), navigate) },
  { path: /^\/endpoints\/?$/, page: 'endpoints', load: () => import('./endpoints.js'), mount: m => m.mountEndpoints(main) },
  { path: /^\/endpoints\/([^/]+)\/?$/, page: 'endpoint', nav: 'endpoints', load: () => import('./endpoint.js'),
    mount: (m, match) => m.mountEndpoint(main, arg(match), navigate) },
  { path: /^\/batch-endpoints\/?$/, page: 'batch-endpoints', load: () => import('./batchendpoints.js'),
    mount: m => m.mountBatchEndpoints(main, navigate) },
  { path: /^\/batch-endpoints\/([^/]+)\/?$/, page: 'batch-endpoint', nav: 'batch-endpoints',
    load: () => import('./batchendpoint.js'), mount: (m, match) => m.mountBatchEndpoint(main, arg(match), navigate) },
  { path: /^\/flows\/?$/, page: 'flows', load: () => import('./flows.js'), mount: m => m.mountFlows(main, navigate) },
  { path: /^\/flows\/([^/]+)\/?$/, page: 'flow', nav: 'flows', load: () => import('./flow.js'),
    mount: (m, match) => m.mountFlow(main, arg(match), navigate) },
  { path: /^\/bulk-tests\/([^/]+)\/?$/, page: 'bulk-test', nav: 'flows', load: () => import('./bulktest.js'),
    mount: (m, match) => m.mountBulkTest(main, arg(match), navigate) },
  { path: /^\/compare\/?$/, page: 'compare', list: true, load: () => import('./compare.js'),
    mount: (m, match, params) => m.mountCompare(main, params, navigate) },
  { path: /^\/jobs\/?$/, page: 'jobs', list: true, load: () => import('./jobs.js'),
    mount: (m, match, params) => m.mountJobs(main, params, navigate) },
  { path: /^\/jobs\/([^/]+)\/?$/, page: 'job', nav: 'jobs', load: () => import('./job.js'),
    mount: (m, match) => m.mountJob(main, arg(match)) },
  { path: /^\/workers\/?$/, page: 'workers', load: () => import('./workers.js'), mount: m => m.mountWorkers(main) },
  { path: /^\/account$/, page: 'account', load: () => import('./account.js'),
    mount: m => m.mountAccount(main, { onPasswordChanged: () => showLogin('#/', 'Password changed: sign in with the new one.') }) },
  { path: /^\/admin$/, page: 'admin', admin: true, load: () => import('./admin.js'), mount: m => m.mountAdmin(main) },
  { path: /^\/audit$/, page: 'audit', nav: 'admin', admin: true, list: true, load: () => import('./audit.js'),
    mount: (m, match, params) => m.mountAudit(main, params, navigate) },
];

/** The page a hash path shows, and the path's match; null when none does. */
function pageOf(path) {
  for (const page of PAGES) {
    const match = page.path.exec(path);
    if (match) return { page, match };
  }
  return null;
}

/** Counts the routes taken, so that a page whose module comes after the reader has moved on is not shown. */
let routes = 0;

function route() {
  const taken = ++routes;
  const { path, params } = parseHash();
  if (!currentUser()) {
    showLogin(path === '/login' ? params.get('next') : location.hash);
    return;
  }
  if (path === '/login') {
    navigate(params.get('next') || '/', { replace: true });
    return;
  }
  const found = pageOf(path);
  if (!found) {
    notFound();
    return;
  }
  const { page, match } = found;
  if (page.page === 'catalog') catalogHash = location.hash || '#/';
  const nav = page.nav === undefined ? page.page : page.nav;
  if (page.admin && !can('admin')) {
    show(page.page, nav, () => adminOnly());
    return;
  }
  page.load().then(module => {
    if (taken !== routes) return;
    if (page.list) showListPage(page.page, nav, params, () => page.mount(module, match, params));
    else show(page.page, nav, () => page.mount(module, match, params));
  }, () => {
    if (taken !== routes) return;
    current?.view.unmount?.();
    current = null;
    main.replaceChildren(h('h1', {}, 'This page could not be loaded'),
      h('p', {}, CODE_NOT_LOADED));
  });
}

function notFound() {
  highlightNav(null);
  current?.view.unmount?.();
  current = null;
  document.title = 'Not found · ModelCat';
  main.replaceChildren(h('h1', {}, 'Page not found'), h('a', { href: '#/' }, 'Back to the catalog'));
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
// The first page's code loads while the session is read.
pageOf(parseHash().path)?.page.load().catch(() => {});
loadSession().then(() => {
  showUser();
  route();
}, () => {
  main.replaceChildren(h('h1', {}, 'The catalog service cannot be reached'),
    h('p', {}, 'Reload the page to try again.'));
});
