// The endpoints page: every online endpoint with its deployments, their states and the traffic; refreshed
// while a deployment is being created or updated.
import { listEndpoints } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';
import { formatDateTime, relativeTime } from './format.js';
import { poll } from './polling.js';
import { deploymentStateBadge, isChanging, trafficText } from './serving.js';

const REFRESH_MS = 2000;

/** Mounts the endpoints page into `root`; returns { unmount() }. */
export function mountEndpoints(root) {
  let shown = false; // whether a list is on screen, kept through a failed refresh

  const summary = h('p', { id: 'endpoints-summary', class: 'summary', role: 'status', 'aria-live': 'polite' }, 'Loading endpoints…');
  const live = h('p', { id: 'endpoints-live', class: 'muted live-note', hidden: true },
    'Updating every 2 seconds while deployments are being created or updated.');
  const message = h('div', { id: 'endpoints-message' });
  const tableBody = h('tbody', {});
  const table = h('div', { class: 'table-scroll', hidden: true }, h('table', { id: 'endpoints' },
    h('caption', { class: 'visually-hidden' }, 'Online endpoints'),
    h('thead', {}, h('tr', {}, ['Endpoint', 'Authentication', 'Deployments', 'Traffic', 'Created by', 'Created']
      .map(title => h('th', { scope: 'col' }, title)))),
    tableBody));
  document.title = 'Endpoints · ModelCat';
  const page = h('div', { class: 'endpoints-page' },
    h('div', { class: 'page-head' }, h('h1', { id: 'endpoints-heading' }, 'Endpoints')),
    h('p', { class: 'muted' }, 'Online endpoints serve catalog models to applications. Deploy a model from its card in the catalog.'),
    summary, live, message, table);
  replaceChildren(root, page);

  function row(endpoint) {
    const deployments = endpoint.deployments ?? [];
    return h('tr', { dataset: { endpoint: endpoint.name } },
      h('th', { scope: 'row' }, h('a', { href: `#/endpoints/${encodeURIComponent(endpoint.name)}`, class: 'endpoint-link' }, endpoint.name),
        endpoint.description ? h('div', { class: 'muted small' }, endpoint.description) : null),
      h('td', { class: 'endpoint-auth' }, endpoint.authMode === 'token' ? 'Personal API tokens' : 'Keys'),
      h('td', { class: 'endpoint-deployments' }, deployments.length === 0 ? h('span', { class: 'muted' }, 'None yet')
        : h('ul', { class: 'plain-list' }, deployments.map(d => h('li', { dataset: { deployment: d.name } },
          h('span', { class: 'deployment-name' }, d.name), ' ', deploymentStateBadge(d),
          h('span', { class: 'muted small' }, d.flow ? ` flow ${d.flow.name} v${d.flow.version}` : ` ${d.modelName} v${d.versionNumber}`))))),
      h('td', { class: 'endpoint-traffic' }, trafficText(endpoint)),
      h('td', {}, endpoint.createdBy ?? '—'),
      h('td', {}, h('time', { datetime: endpoint.createdAt, title: formatDateTime(endpoint.createdAt) }, relativeTime(endpoint.createdAt))));
  }

  function show(answer) {
    shown = true;
    const items = answer?.items ?? [];
    replaceChildren(message);
    // A refresh must not take the reader's focus away from the link they are on.
    const focused = document.activeElement?.closest?.('tr')?.dataset?.endpoint;
    replaceChildren(tableBody, items.map(row));
    if (focused) tableBody.querySelector(`tr[data-endpoint="${CSS.escape(focused)}"] a`)?.focus();
    table.hidden = items.length === 0;
    live.hidden = !items.some(e => (e.deployments ?? []).some(isChanging));
    if (items.length === 0) {
      summary.textContent = 'No endpoints';
      replaceChildren(message, h('div', { class: 'empty', id: 'endpoints-empty' },
        h('p', {}, 'No endpoints yet.'),
        h('p', { class: 'muted' }, 'Open a model in the ', h('a', { href: '#/' }, 'catalog'), ' and choose Deploy.')));
    } else {
      summary.textContent = `${items.length} ${items.length === 1 ? 'endpoint' : 'endpoints'}`;
    }
  }

  // Asks again while a deployment is being created; a failed refresh keeps the list and says why.
  const refresh = poll({
    fetch: listEndpoints,
    onAnswer: show,
    onError: error => {
      if (!shown) summary.textContent = 'The endpoints could not be loaded.';
      replaceChildren(message, problemView(error, () => refresh.now()));
    },
    until: answer => !(answer?.items ?? []).some(e => (e.deployments ?? []).some(isChanging)),
    intervalMs: REFRESH_MS,
    retryMs: REFRESH_MS * 2,
    element: page,
  });
  return { unmount: refresh.stop };
}
