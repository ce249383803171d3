// The prompt flows page (#/flows): every saved flow, and for contributors the form that saves a new one.
import { listFlows, listMeshModels } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';
import { flowForm } from './flowform.js';
import { formatDateTime, relativeTime } from './format.js';
import { can } from './session.js';

/** The mesh's model ids ('<connection>/<model>'), sorted. */
export async function meshModelIds() {
  const answer = await listMeshModels();
  return (answer?.data ?? []).map(m => m.id).filter(id => typeof id === 'string').sort();
}

/** Mounts the flows page into `root`; returns { unmount() }. */
export function mountFlows(root, navigate) {
  let active = true;
  document.title = 'Prompt flows · ModelCat';
  const summary = h('p', { id: 'flows-summary', class: 'summary', role: 'status' }, 'Loading flows…');
  const message = h('div', { id: 'flows-message' });
  const tableBody = h('tbody', {});
  const table = h('div', { class: 'table-scroll', hidden: true }, h('table', { id: 'flows' },
    h('caption', { class: 'visually-hidden' }, 'Prompt flows'),
    h('thead', {}, h('tr', {}, ['Flow', 'Inputs', 'Steps', 'Version', 'Changed'].map(t => h('th', { scope: 'col' }, t)))),
    tableBody));
  const createBox = h('div', { id: 'flow-create-box' });
  replaceChildren(root, h('div', { class: 'flows-page' },
    h('div', { class: 'page-head' }, h('h1', { id: 'flows-heading' }, 'Prompt flows')),
    h('p', { class: 'muted' }, 'A prompt flow sends a row\'s inputs through one or more prompts, each to an LLM of the mesh; '
      + 'a step may have variants (other wording, other model) that a bulk test compares over a dataset.'),
    summary, message, table,
    can('contributor') ? h('section', { 'aria-labelledby': 'flow-create-heading' },
      h('h2', { id: 'flow-create-heading' }, 'New flow'), createBox) : null));

  function row(flow) {
    return h('tr', { dataset: { flow: flow.name } },
      h('th', { scope: 'row' }, h('a', { href: `#/flows/${encodeURIComponent(flow.name)}`, class: 'flow-link' }, flow.name),
        flow.description ? h('div', { class: 'muted small' }, flow.description) : null),
      h('td', {}, (flow.inputs ?? []).length ? (flow.inputs ?? []).map((input, i) => [i ? ', ' : '', h('code', {}, input)])
        : h('span', { class: 'muted' }, 'none')),
      h('td', {}, (flow.steps ?? []).map((step, i) => [i ? ' → ' : '', step.name,
        step.variants?.length > 1 ? h('span', { class: 'muted small' }, ` (${step.variants.length} variants)`) : null])),
      h('td', {}, String(flow.version)),
      h('td', {}, h('time', { datetime: flow.updatedAt, title: formatDateTime(flow.updatedAt) }, relativeTime(flow.updatedAt)),
        flow.updatedBy ? h('span', { class: 'muted small' }, ` by ${flow.updatedBy}`) : null));
  }

  function load() {
    listFlows().then(answer => {
      if (!active) return;
      const items = answer?.items ?? [];
      replaceChildren(tableBody, items.map(row));
      table.hidden = items.length === 0;
      summary.textContent = items.length === 0 ? 'No flows yet' : `${items.length} ${items.length === 1 ? 'flow' : 'flows'}`;
      replaceChildren(message);
    }).catch(error => {
      if (!active) return;
      summary.textContent = 'The flows could not be loaded.';
      replaceChildren(message, problemView(error, load));
    });
  }

  load();
  if (can('contributor')) {
    replaceChildren(createBox, h('p', { class: 'loading' }, 'Loading the mesh\'s models…'));
    meshModelIds().then(models => {
      if (!active) return;
      replaceChildren(createBox,
        models.length ? null : h('p', { class: 'muted', id: 'flow-no-models' }, 'The LLM mesh offers no models yet: an admin adds '
          + 'an LLM connection on the ', h('a', { href: '#/admin' }, 'Admin page'), '.'),
        flowForm({ models, onSaved: flow => navigate(`/flows/${encodeURIComponent(flow.name)}`) }));
    }).catch(error => {
      if (active) replaceChildren(createBox, problemView(error));
    });
  }
  return { unmount: () => { active = false; } };
}
