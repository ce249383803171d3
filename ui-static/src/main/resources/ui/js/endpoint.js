// The endpoint page (#/endpoints/{name}): its URLs, its deployments with their states (refreshed while one is
// being created or updated), changing one, the traffic split and the mirror, deleting, and the Metrics, Keys, Test
// and Consume tabs.
import { deleteDeployment, deleteEndpoint, getEndpoint, setEndpointMirror, setEndpointTraffic } from './api.js';
import { copyField } from './clipboard.js';
import { editDeploymentDialog } from './deploymentedit.js';
import { editFlowDeploymentDialog, servedFlowView } from './flowdeploy.js';
import { confirmDialog, h, problemView, replaceChildren, taskBadge } from './dom.js';
import { formatDateTime } from './format.js';
import { mountConsumePanel, mountTestPanel } from './endpointcalls.js';
import { keysPanel } from './endpointkeys.js';
import { mountLogsPanel } from './endpointlogs.js';
import { mountMetricsPanel } from './endpointmetrics.js';
import { poll } from './polling.js';
import { deploymentStateBadge, isChanging, mirrorText, newKeysView, takeNewKeys, trafficOf, trafficText } from './serving.js';
import { can } from './session.js';

const REFRESH_MS = 2000;

/** Mounts the page of endpoint `name`; returns { unmount() }. */
export function mountEndpoint(root, name, navigate) {
  let active = true;
  let refresh = null;
  let view = null;

  function load() {
    document.title = 'Endpoint · ModelCat';
    replaceChildren(root, h('p', { class: 'loading', role: 'status' }, 'Loading endpoint…'));
    getEndpoint(name).then(endpoint => {
      if (!active) return;
      view = layout(root, endpoint, { navigate, changed: watch });
      watch(endpoint);
    }).catch(error => {
      if (!active) return;
      const missing = error.status === 404;
      document.title = 'Endpoint not available · ModelCat';
      replaceChildren(root, backLink(),
        h('h1', {}, missing ? 'Endpoint not found' : 'The endpoint could not be loaded'),
        problemView(error, missing ? null : load));
    });
  }

  /** Shows `endpoint` and asks again every 2 seconds while one of its deployments is being created or updated. */
  function watch(endpoint) {
    refresh?.stop();
    view.update(endpoint);
    if (!endpoint.deployments.some(isChanging)) return;
    refresh = poll({
      fetch: () => getEndpoint(name),
      onAnswer: next => view.update(next),
      onError: error => view.refreshFailed(error),
      until: next => !next.deployments.some(isChanging),
      intervalMs: REFRESH_MS,
      retryMs: REFRESH_MS * 2,
      immediate: false,
      element: view.element,
    });
  }

  load();
  return {
    unmount: () => {
      active = false;
      refresh?.stop();
      view?.stop();
    },
  };
}

function backLink() {
  return h('p', { class: 'breadcrumb' }, h('a', { href: '#/endpoints' }, '← Endpoints'));
}

/** Lays the page out for `first`; answers { element, update(endpoint), refreshFailed(error), stop() }. */
function layout(root, first, { navigate, changed }) {
  const name = first.name;
  const contributor = can('contributor');
  document.title = `${name} · ModelCat`;
  const newKeys = first.authMode === 'key' ? takeNewKeys(name) : undefined;
  const facts = h('dl', { class: 'job-facts endpoint-facts' });
  const meta = h('div', { class: 'card-meta' });
  const message = h('div', { id: 'endpoint-message' });
  const deleteButton = contributor ? h('button', { type: 'button', class: 'button danger', id: 'endpoint-delete' }, 'Delete endpoint') : null;
  const deployments = deploymentsPanel(first, { contributor, changed });
  const metrics = h('div', {});
  const metricsView = mountMetricsPanel(metrics, name);
  const logs = h('div', {});
  const logsView = mountLogsPanel(logs, name);
  const test = h('div', {});
  const consume = h('div', {});
  const testView = mountTestPanel(test, first, { keys: newKeys });
  const consumeView = mountConsumePanel(consume, first);
  const keys = keysPanel(first, { keys: newKeys, onKeys: known => testView.setKeys(known) });
  // The metrics and the logs are asked for while their tab is shown, and no longer once another is.
  const tabs = tabView('Endpoint', [
    { id: 'deployments', label: 'Deployments', panel: deployments.element },
    { id: 'metrics', label: 'Metrics', panel: metrics },
    { id: 'logs', label: 'Logs', panel: logs },
    { id: 'keys', label: 'Keys', panel: keys },
    { id: 'test', label: 'Test', panel: test },
    { id: 'consume', label: 'Consume', panel: consume },
  ], id => {
    if (id === 'metrics') metricsView.start(); else metricsView.stop();
    if (id === 'logs') logsView.start(); else logsView.stop();
  });

  deleteButton?.addEventListener('click', async () => {
    const yes = await confirmDialog({ id: 'delete-endpoint-dialog', title: `Delete endpoint ${name}?`, confirm: 'Delete endpoint',
      text: 'Its deployments and keys go with it, its instances unload within seconds, and callers get 404 from then on.' });
    if (!yes) return;
    deleteButton.disabled = true;
    try {
      await deleteEndpoint(name);
      navigate('/endpoints');
    } catch (error) {
      deleteButton.disabled = false;
      replaceChildren(message, problemView(error));
    }
  });

  const element = h('article', { class: 'endpoint', dataset: { endpoint: name } },
    backLink(),
    h('header', { class: 'model-header job-header' },
      h('div', { class: 'endpoint-head' }, h('h1', { id: 'endpoint-name' }, name), meta,
        first.description ? h('p', { id: 'endpoint-description' }, first.description) : null, facts),
      h('div', { class: 'actions' }, deleteButton)),
    newKeys ? newKeysView('endpoint-new-keys', newKeys) : null,
    message,
    tabs);
  replaceChildren(root, element);

  function update(endpoint) {
    const row = (term, ...value) => [h('dt', {}, term), h('dd', {}, ...value)];
    replaceChildren(meta,
      h('span', { class: 'badge', id: 'endpoint-auth' }, endpoint.authMode === 'token' ? 'Personal API tokens' : 'Keys'),
      h('span', { class: 'badge' }, `${endpoint.deployments.length} deployment${endpoint.deployments.length === 1 ? '' : 's'}`));
    // The URLs are laid out once: replacing their fields would drop a selection the reader is making.
    if (!facts.hasChildNodes()) {
      replaceChildren(facts,
        row('Scoring URI', copyField('endpoint-scoring-uri', endpoint.scoringUri, 'Scoring URI')),
        row('OpenAI base URL', copyField('endpoint-openai-url', endpoint.openaiBaseUrl, 'OpenAI base URL')),
        row('Traffic', h('span', { id: 'endpoint-traffic' })),
        row('Mirror', h('span', { id: 'endpoint-mirror' })),
        row('Created by', endpoint.createdBy ?? '—'),
        row('Created', h('time', { datetime: endpoint.createdAt }, formatDateTime(endpoint.createdAt))));
    }
    facts.querySelector('#endpoint-traffic').textContent = trafficText(endpoint);
    facts.querySelector('#endpoint-mirror').textContent = mirrorText(endpoint);
    deployments.update(endpoint);
    logsView.update(endpoint);
    testView.update(endpoint);
    consumeView.update(endpoint);
  }

  const stop = () => {
    metricsView.stop();
    logsView.stop();
  };
  return { element, update, refreshFailed: deployments.refreshFailed, stop };
}

/**
 * Tabs (WAI-ARIA): one button per entry ({ id, label, panel }), the arrow keys, Home and End move between
 * them; the first is shown. `onSelect(id)` hears of each tab shown after the first.
 */
function tabView(label, entries, onSelect = () => {}) {
  const list = h('div', { role: 'tablist', class: 'tabs', 'aria-label': label });
  const tabs = entries.map(({ id, label: text, panel }) => {
    panel.id = `panel-${id}`;
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', `tab-${id}`);
    panel.setAttribute('tabindex', '0');
    panel.classList.add('tab-panel');
    return h('button', { type: 'button', role: 'tab', class: 'tab', id: `tab-${id}`, 'aria-controls': `panel-${id}` }, text);
  });
  let selected = null;
  function select(index, focus) {
    tabs.forEach((tab, i) => {
      tab.setAttribute('aria-selected', String(i === index));
      tab.tabIndex = i === index ? 0 : -1;
      entries[i].panel.hidden = i !== index;
    });
    if (focus) tabs[index].focus();
    if (selected !== null && selected !== index) onSelect(entries[index].id);
    selected = index;
  }
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => select(i, false));
    tab.addEventListener('keydown', event => {
      const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      select((moves[event.key] + tabs.length) % tabs.length, true);
    });
  });
  list.append(...tabs);
  select(0, false);
  return h('div', { class: 'tab-view' }, list, entries.map(e => e.panel));
}

/**
 * The deployments with their state, traffic inputs with Save, the mirror with its own Save, Edit and Delete; answers
 * { element, update, refreshFailed }.
 */
function deploymentsPanel(first, { contributor, changed }) {
  const name = first.name;
  let endpoint = first;
  const rows = new Map(); // deployment -> { row, model, state, instances, input, error }
  const tableBody = h('tbody', {});
  const live = h('p', { id: 'endpoint-live', class: 'muted live-note', hidden: true },
    'Updating every 2 seconds while a deployment is being created or updated.');
  const message = h('div', { id: 'deployments-message' });
  const status = h('p', { id: 'deployments-status', class: 'muted small', role: 'status', 'aria-live': 'polite' });
  const empty = h('p', { class: 'muted', id: 'deployments-empty', hidden: true },
    'No deployments yet: deploy a model into this endpoint from its card in the catalog.');
  const total = h('span', { id: 'traffic-total', class: 'muted' });
  const trafficError = h('p', { id: 'traffic-error', class: 'field-error', role: 'alert', hidden: true });
  const trafficStatus = h('span', { id: 'traffic-status', class: 'muted small', role: 'status', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'button primary', id: 'traffic-save' }, 'Save traffic');
  const table = h('div', { class: 'table-scroll' }, h('table', { id: 'deployments' },
    h('caption', { class: 'visually-hidden' }, `Deployments of ${name}`),
    h('thead', {}, h('tr', {}, ['Deployment', 'Model', 'Version', 'Task', 'Instances', 'State', 'Traffic (%)', contributor ? '' : null]
      .filter(t => t !== null).map(t => h('th', { scope: 'col' }, t)))),
    tableBody));
  const form = h('form', { id: 'traffic-form', novalidate: true, 'aria-describedby': 'traffic-hint' },
    table,
    contributor ? h('div', { class: 'traffic-actions' }, total, save, trafficStatus) : null,
    contributor ? trafficError : null,
    contributor ? h('p', { id: 'traffic-hint', class: 'hint' }, 'Percent per deployment, summing to 100 (or 0 to stop all traffic). '
      + 'A deployment with traffic cannot be deleted.') : null);
  form.addEventListener('submit', event => {
    event.preventDefault();
    saveTraffic();
  });
  const mirror = contributor ? mirrorForm() : null;
  const element = h('div', {}, live, message, status, empty, form, mirror?.element);

  function showTotal() {
    const sum = [...rows.values()].reduce((s, r) => s + (Number(r.input?.value) || 0), 0);
    total.textContent = `Total: ${sum}%`;
  }

  function build(deployment) {
    const input = contributor ? h('input', { type: 'number', class: 'traffic-input', id: `traffic-${deployment.name}`, min: '0', max: '100',
      step: '1', inputmode: 'numeric', 'aria-label': `Traffic to ${deployment.name} (percent)`,
      'aria-describedby': `traffic-${deployment.name}-error` }) : null;
    const error = contributor ? h('p', { class: 'field-error', id: `traffic-${deployment.name}-error`, hidden: true }) : null;
    input?.addEventListener('input', () => {
      input.dataset.edited = 'true';
      trafficStatus.textContent = '';
      showTotal();
    });
    const edit = contributor ? h('button', { type: 'button', class: 'button small-button', 'aria-label': `Edit deployment ${deployment.name}`,
      onclick: () => editDeployment(deployment.name) }, 'Edit') : null;
    const remove = contributor ? h('button', { type: 'button', class: 'button danger small-button',
      'aria-label': `Delete deployment ${deployment.name}`, onclick: () => removeDeployment(deployment.name) }, 'Delete') : null;
    const parts = {
      model: h('td', {}), version: h('td', {}), task: h('td', {}), instances: h('td', { class: 'deployment-instances' }),
      state: h('td', { class: 'deployment-state-cell' }), traffic: h('td', { class: 'deployment-traffic' }, input, error),
    };
    const row = h('tr', { dataset: { deployment: deployment.name } },
      h('th', { scope: 'row', class: 'deployment-name' }, deployment.name),
      parts.model, parts.version, parts.task, parts.instances, parts.state, parts.traffic,
      contributor ? h('td', {}, h('div', { class: 'row-actions' }, edit, remove)) : null);
    return { row, input, error, parts };
  }

  function fill(entry, deployment) {
    const { parts, input, row } = entry;
    row.dataset.state = deployment.state;
    if (deployment.flow) {
      fillFlow(parts, deployment);
    } else {
      fillModel(parts, deployment);
    }
    replaceChildren(parts.state, deploymentStateBadge(deployment),
      deployment.reason ? h('p', { class: 'deployment-reason muted small' }, deployment.reason) : null);
    const share = trafficOf(endpoint, deployment.name);
    if (input) {
      if (!input.dataset.edited) input.value = String(share);
    } else {
      replaceChildren(parts.traffic, `${share}%`);
    }
  }

  /** A flow deployment: the flow and its variants, its version, and that the catalog service runs it. */
  function fillFlow(parts, deployment) {
    replaceChildren(parts.model, servedFlowView(deployment));
    replaceChildren(parts.version, h('span', { class: 'deployment-version' }, `v${deployment.flow.version}`));
    replaceChildren(parts.task, taskBadge(deployment.task));
    replaceChildren(parts.instances, 'Run by the catalog service',
      h('div', { class: 'muted small' }, `${deployment.maxConcurrentRequestsPerInstance} concurrent requests · `
        + `${deployment.requestTimeoutMs} ms timeout · LLM calls as ${deployment.flow.runsAs ?? 'nobody'}`));
  }

  function fillModel(parts, deployment) {
    replaceChildren(parts.model, h('a', { href: `#/models/${encodeURIComponent(deployment.modelId)}`, class: 'deployment-model' },
      deployment.modelName));
    const instances = deployment.instances ?? [];
    // While it updates, instances of the versions before answer until every new one is ready.
    const older = [...new Set(instances.map(i => i.versionNumber).filter(v => v !== undefined && v !== deployment.versionNumber))];
    replaceChildren(parts.version, h('span', { class: 'deployment-version' }, `v${deployment.versionNumber}`),
      older.length ? h('div', { class: 'muted small deployment-previous' },
        `v${older.join(', v')} ${older.length === 1 ? 'answers' : 'answer'} until it is ready`) : null);
    replaceChildren(parts.task, taskBadge(deployment.task));
    const cores = n => `${n} CPU core${n === 1 ? '' : 's'}`;
    replaceChildren(parts.instances, `${deployment.instanceCount} × ${deployment.device === 'gpu' ? 'GPU' : 'CPU'}`,
      deployment.cpuCores ? h('span', { class: 'deployment-cores' }, ` · ${cores(deployment.cpuCores)} each`) : null,
      h('div', { class: 'muted small' }, `${deployment.maxConcurrentRequestsPerInstance} concurrent requests each · `
        + `${deployment.requestTimeoutMs} ms timeout · batches of up to ${deployment.maxBatchSize}`),
      instances.length ? h('ul', { class: 'plain-list small' }, instances.map(i => h('li', { class: 'deployment-instance',
        dataset: { version: String(i.versionNumber ?? '') } },
        h('code', {}, i.worker), `: ${i.state}`, i.versionNumber !== undefined ? h('span', { class: 'instance-version' }, ` · v${i.versionNumber}`) : null,
        i.cpuCores ? h('span', { class: 'instance-cores' }, ` · ${cores(i.cpuCores)}`) : null,
        i.reason ? h('span', { class: 'muted' }, ` (${i.reason})`) : null))) : null);
  }

  function update(next) {
    endpoint = next;
    message.querySelector('#endpoint-refresh-failed')?.remove(); // an answer came: a failed check before it is past
    const names = next.deployments.map(d => d.name);
    if (names.join('\n') !== [...rows.keys()].join('\n')) {
      // Deployments came or went: rows anew, keeping what the reader typed into the traffic inputs.
      const typed = new Map([...rows].filter(([, r]) => r.input?.dataset.edited).map(([n, r]) => [n, r.input.value]));
      rows.clear();
      for (const deployment of next.deployments) {
        const entry = build(deployment);
        if (typed.has(deployment.name)) {
          entry.input.value = typed.get(deployment.name);
          entry.input.dataset.edited = 'true';
        }
        rows.set(deployment.name, entry);
      }
      replaceChildren(tableBody, [...rows.values()].map(r => r.row));
    }
    next.deployments.forEach(d => fill(rows.get(d.name), d));
    form.hidden = names.length === 0;
    empty.hidden = names.length > 0;
    live.hidden = !next.deployments.some(isChanging);
    showTotal();
    mirror?.update(next);
  }

  function showTrafficErrors(errors) {
    trafficError.textContent = errors.filter(e => e.field === 'traffic').map(e => `The traffic ${e.message}.`).join(' ');
    trafficError.hidden = !trafficError.textContent;
    for (const [deployment, { input, error }] of rows) {
      const messages = errors.filter(e => e.field === `traffic.${deployment}`).map(e => e.message);
      error.textContent = messages.join(' ');
      error.hidden = messages.length === 0;
      if (messages.length) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
    return errors.filter(e => e.field === 'traffic' || rows.has(e.field.replace(/^traffic\./, '')));
  }

  async function saveTraffic() {
    const traffic = Object.fromEntries([...rows].map(([deployment, { input }]) =>
      [deployment, input.value.trim() === '' ? 0 : Number(input.value)]));
    replaceChildren(message);
    trafficStatus.textContent = '';
    save.disabled = true;
    try {
      const next = await setEndpointTraffic(name, traffic);
      showTrafficErrors([]);
      rows.forEach(r => delete r.input.dataset.edited);
      trafficStatus.textContent = 'Traffic saved.';
      changed(next);
    } catch (error) {
      const placed = showTrafficErrors(error.errors);
      if (placed.length === 0 || placed.length < error.errors.length) replaceChildren(message, problemView(error));
    } finally {
      save.disabled = false;
    }
  }

  async function editDeployment(deployment) {
    const current = endpoint.deployments.find(d => d.name === deployment);
    if (!current) return;
    const saved = current.flow ? await editFlowDeploymentDialog(name, current) : await editDeploymentDialog(name, current);
    if (!saved) return;
    replaceChildren(message);
    const { deployment: now, before } = saved;
    status.textContent = now.flow ? `Deployment ${deployment} changed: it serves flow ${now.flow.name} v${now.flow.version} from the next call.`
      : now.versionNumber !== before.versionNumber
      ? `Deployment ${deployment} moves to v${now.versionNumber}: v${before.versionNumber} answers until the new instances are ready.`
      : now.cpuCores !== before.cpuCores
      ? `Deployment ${deployment} changed: instances with ${now.cpuCores || 'no'} reserved CPU cores replace the others once they are ready.`
      : `Deployment ${deployment} changed.`;
    try {
      changed(await getEndpoint(name));
    } catch (error) {
      replaceChildren(message, problemView(error));
    }
  }

  async function removeDeployment(deployment) {
    const yes = await confirmDialog({ id: 'delete-deployment-dialog', title: `Delete deployment ${deployment}?`,
      confirm: 'Delete deployment', text: 'Its instances unload within seconds; callers that pin it get 404 from then on.' });
    if (!yes) return;
    replaceChildren(message);
    status.textContent = '';
    try {
      await deleteDeployment(name, deployment);
      changed(await getEndpoint(name));
    } catch (error) {
      // 409: it still has traffic; the answer says how to move it.
      replaceChildren(message, problemView(error));
    }
  }

  function refreshFailed(error) {
    replaceChildren(message, h('p', { class: 'muted', id: 'endpoint-refresh-failed' },
      `Checking the deployments failed (${error.title}${error.detail ? `: ${error.detail}` : ''}); trying again in a few seconds.`));
  }

  /**
   * The mirror: one deployment and the share (0 to 50%) of the calls that the traffic sends elsewhere which it gets a
   * copy of, with Save; the API's field errors beside the share. Answers { element, update(endpoint) }.
   */
  function mirrorForm() {
    const target = h('select', { id: 'mirror-deployment', 'aria-describedby': 'mirror-hint' });
    const share = h('input', { type: 'number', class: 'traffic-input', id: 'mirror-percent', min: '0', max: '50', step: '1',
      inputmode: 'numeric', 'aria-describedby': 'mirror-hint mirror-percent-error' });
    const shareError = h('p', { class: 'field-error', id: 'mirror-percent-error', hidden: true });
    const mirrorError = h('p', { id: 'mirror-error', class: 'field-error', role: 'alert', hidden: true });
    const current = h('p', { id: 'mirror-current', class: 'muted small' });
    const mirrorStatus = h('span', { id: 'mirror-status', class: 'muted small', role: 'status', 'aria-live': 'polite' });
    const mirrorMessage = h('div', { id: 'mirror-message' });
    const mirrorSave = h('button', { type: 'submit', class: 'button', id: 'mirror-save' }, 'Save mirror');
    let edited = false; // what the reader chose stays through refreshes until it is saved
    const touched = () => {
      edited = true;
      mirrorStatus.textContent = '';
      share.disabled = target.value === '';
    };
    target.addEventListener('change', touched);
    share.addEventListener('input', touched);

    const mirrorElement = h('form', { id: 'mirror-form', class: 'mirror-form', novalidate: true, 'aria-labelledby': 'mirror-heading',
      onsubmit: event => { event.preventDefault(); saveMirror(); } },
      h('h3', { class: 'subheading', id: 'mirror-heading' }, 'Mirror traffic'),
      h('p', { id: 'mirror-hint', class: 'hint' }, 'Copies a share (0 to 50%) of the calls that the traffic sends to the other '
        + 'deployments to one deployment, in the background: callers get the answers of their own deployment, the copy’s are '
        + 'dropped, and the Metrics tab counts them. One deployment at a time; a deployment that gets the mirror cannot be deleted.'),
      current,
      h('div', { class: 'mirror-fields' },
        h('div', { class: 'field' }, h('label', { for: 'mirror-deployment' }, 'Mirror to'), target),
        h('div', { class: 'field' }, h('label', { for: 'mirror-percent' }, 'Share of calls (%)'), share, shareError),
        h('div', { class: 'mirror-actions' }, mirrorSave, mirrorStatus)),
      mirrorError,
      mirrorMessage);
    let shownNames = null; // the deployments the choice lists: rebuilt only when they change, not on every refresh

    function mirrorUpdate(next) {
      const [mirrored, percent] = Object.entries(next.mirror ?? {}).find(([, p]) => Number(p) > 0) ?? ['', 0];
      current.textContent = mirrored ? `Now: ${percent}% of the calls to the other deployments are copied to ${mirrored}.`
        : 'Now: no calls are mirrored.';
      const names = next.deployments.map(d => d.name);
      const chosen = edited ? target.value : mirrored;
      if (names.join('\n') !== shownNames) {
        shownNames = names.join('\n');
        replaceChildren(target, h('option', { value: '' }, 'No deployment (stop mirroring)'),
          names.map(n => h('option', { value: n }, n)));
      }
      target.value = names.includes(chosen) ? chosen : '';
      if (!edited) share.value = mirrored ? String(percent) : '';
      share.disabled = target.value === '';
      mirrorElement.hidden = names.length === 0;
    }

    function showMirrorErrors(errors) {
      const beside = errors.filter(e => e.field === `mirror.${target.value}`);
      const general = errors.filter(e => e.field === 'mirror' || (e.field?.startsWith('mirror.') && !beside.includes(e)));
      shareError.textContent = beside.map(e => e.message).join(' ');
      shareError.hidden = beside.length === 0;
      if (beside.length) share.setAttribute('aria-invalid', 'true');
      else share.removeAttribute('aria-invalid');
      mirrorError.textContent = general.map(e => (e.field === 'mirror' ? `The mirror ${e.message}.`
        : `${e.field.slice('mirror.'.length)} ${e.message}.`)).join(' ');
      mirrorError.hidden = general.length === 0;
      return [...beside, ...general];
    }

    async function saveMirror() {
      const body = target.value === '' ? {} : { [target.value]: share.value.trim() === '' ? 0 : Number(share.value) };
      replaceChildren(mirrorMessage);
      mirrorStatus.textContent = '';
      mirrorSave.disabled = true;
      try {
        const next = await setEndpointMirror(name, body);
        showMirrorErrors([]);
        edited = false;
        mirrorStatus.textContent = Object.values(next.mirror ?? {}).some(p => Number(p) > 0) ? 'Mirror saved.' : 'Mirror stopped.';
        changed(next);
      } catch (error) {
        const placed = showMirrorErrors(error.errors);
        if (placed.length === 0 || placed.length < error.errors.length) replaceChildren(mirrorMessage, problemView(error));
        if (placed.some(e => e.field === `mirror.${target.value}`)) share.focus();
      } finally {
        mirrorSave.disabled = false;
      }
    }

    return { element: mirrorElement, update: mirrorUpdate };
  }

  return { element, update, refreshFailed };
}
