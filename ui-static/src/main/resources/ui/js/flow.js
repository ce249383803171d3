// A prompt flow's page (#/flows/{name}): its definition (changed in place with the flow form, or deleted), "Run a row",
// the "Bulk test" form, the flow's bulk tests (asked again while one is queued or running) and "Deploy".
import { deleteFlow, getFlow, listBulkTests } from './api.js';
import { bulkTestForm } from './bulktestform.js';
import { confirmDialog, h, problemView, replaceChildren } from './dom.js';
import { flowDeployForm } from './flowdeploy.js';
import { flowForm } from './flowform.js';
import { runRowForm } from './flowrun.js';
import { meshModelIds } from './flows.js';
import { formatDateTime, relativeTime } from './format.js';
import { isActive, jobStateBadge, progressBar } from './jobstatus.js';
import { poll } from './polling.js';
import { can } from './session.js';

const REFRESH_MS = 2000;

/** Mounts the page of flow `name`; returns { unmount() }. */
export function mountFlow(root, name, navigate) {
  let active = true;
  let testsPoll = null;

  function load() {
    document.title = `${name} · Prompt flow · ModelCat`;
    replaceChildren(root, h('p', { class: 'loading', role: 'status' }, 'Loading flow…'));
    const contributor = can('contributor');
    Promise.all([getFlow(name), contributor ? meshModelIds().catch(() => []) : []]).then(([flow, models]) => {
      if (active) render(flow, models, contributor);
    }).catch(error => {
      if (!active) return;
      const missing = error.status === 404;
      replaceChildren(root, backLink(), h('h1', {}, missing ? 'Flow not found' : 'The flow could not be loaded'),
        problemView(error, missing ? null : load));
    });
  }

  function render(flow, models, contributor) {
    const message = h('div', { id: 'flow-message' });
    const definition = h('div', { id: 'flow-definition' }, definitionView(flow));
    const editButton = contributor ? h('button', { type: 'button', class: 'button', id: 'flow-edit' }, 'Edit') : null;
    const deleteButton = contributor ? h('button', { type: 'button', class: 'button danger', id: 'flow-delete' }, 'Delete') : null;
    const testsBox = h('div', { id: 'flow-bulk-tests' });
    const bulkBox = h('div', { id: 'flow-bulk-box' });
    const deployBox = h('div', { id: 'flow-deploy-box' });
    editButton?.addEventListener('click', () => {
      editButton.hidden = true;
      const form = flowForm({ flow, models,
        onSaved: () => load(),
        onCancel: () => {
          editButton.hidden = false;
          replaceChildren(definition, definitionView(flow));
          editButton.focus();
        } });
      replaceChildren(definition, form);
      form.querySelector('input:not([disabled]), textarea, select')?.focus();
    });
    deleteButton?.addEventListener('click', async () => {
      const sure = await confirmDialog({ id: 'flow-delete-dialog', title: `Delete ${name}?`,
        text: 'The flow goes; its bulk tests stay, with the copy of the flow they ran.', confirm: 'Delete' });
      if (!sure) return;
      try {
        await deleteFlow(name);
        navigate('/flows');
      } catch (error) {
        replaceChildren(message, problemView(error));
      }
    });
    replaceChildren(root, backLink(),
      h('div', { class: 'page-head' }, h('h1', { id: 'flow-title' }, flow.name),
        h('div', { class: 'page-actions' }, editButton, ' ', deleteButton)),
      flow.description ? h('p', { class: 'muted', id: 'flow-description' }, flow.description) : null,
      h('p', { class: 'muted small' }, `Version ${flow.version}, saved `,
        h('time', { datetime: flow.updatedAt, title: formatDateTime(flow.updatedAt) }, relativeTime(flow.updatedAt)),
        flow.updatedBy ? ` by ${flow.updatedBy}` : ''),
      message,
      h('section', { 'aria-labelledby': 'flow-definition-heading' }, h('h2', { id: 'flow-definition-heading' }, 'Definition'), definition),
      h('section', { 'aria-labelledby': 'flow-run-heading' }, h('h2', { id: 'flow-run-heading' }, 'Run a row'),
        contributor ? runRowForm(flow) : h('p', { class: 'muted', id: 'flow-run-role' }, 'Contributors run flows.')),
      h('section', { 'aria-labelledby': 'flow-bulk-heading' }, h('h2', { id: 'flow-bulk-heading' }, 'Bulk test'),
        contributor ? bulkBox : h('p', { class: 'muted', id: 'flow-bulk-role' }, 'Contributors start bulk tests.')),
      h('section', { 'aria-labelledby': 'flow-tests-heading' }, h('h2', { id: 'flow-tests-heading' }, 'Bulk tests of this flow'), testsBox),
      h('section', { 'aria-labelledby': 'flow-deploy-heading' }, h('h2', { id: 'flow-deploy-heading' }, 'Deploy'),
        contributor ? deployBox : h('p', { class: 'muted', id: 'flow-deploy-role' }, 'Contributors deploy flows.')));
    if (contributor) {
      replaceChildren(bulkBox, h('details', { id: 'flow-bulk-details' },
        h('summary', {}, 'Set up a bulk test'), h('div', { id: 'flow-bulk-form-box' }, h('p', { class: 'loading' }, 'Loading datasets…'))));
      bulkTestForm(flow, models, test => navigate(`/bulk-tests/${encodeURIComponent(test.id)}`)).then(form => {
        if (active) replaceChildren(bulkBox.querySelector('#flow-bulk-form-box'), form);
      }).catch(error => { if (active) replaceChildren(bulkBox, problemView(error)); });
      replaceChildren(deployBox, h('details', { id: 'flow-deploy-details' },
        h('summary', {}, 'Deploy as an online endpoint'), h('div', { id: 'flow-deploy-form-box' }, h('p', { class: 'loading' }, 'Loading endpoints…'))));
      flowDeployForm(flow, navigate).then(form => {
        if (active) replaceChildren(deployBox.querySelector('#flow-deploy-form-box'), form);
      }).catch(error => { if (active) replaceChildren(deployBox, problemView(error)); });
    }
    watchTests(testsBox);
  }

  /** Shows the flow's bulk tests, asking again every 2 seconds while one is queued or running. */
  function watchTests(box) {
    testsPoll?.stop();
    testsPoll = poll({
      fetch: () => listBulkTests(name),
      onAnswer: answer => replaceChildren(box, testsTable(answer?.items ?? [])),
      onError: error => replaceChildren(box, problemView(error)),
      until: answer => !(answer?.items ?? []).some(test => isActive(test.job)),
      intervalMs: REFRESH_MS,
      retryMs: REFRESH_MS * 2,
      element: box,
    });
  }

  load();
  return { unmount: () => { active = false; testsPoll?.stop(); } };
}

/** The flow's inputs and each step's variants: model, parser, templates. */
function definitionView(flow) {
  return h('div', { class: 'flow-definition' },
    h('p', {}, 'Inputs: ', (flow.inputs ?? []).length ? flow.inputs.map((input, i) => [i ? ', ' : '', h('code', {}, input)])
      : h('span', { class: 'muted' }, 'none')),
    h('ol', { class: 'flow-step-list' }, (flow.steps ?? []).map(step => h('li', { dataset: { step: step.name } },
      h('h3', { class: 'subheading' }, step.name),
      h('div', { class: 'table-scroll' }, h('table', { class: 'flow-variants-table' },
        h('caption', { class: 'visually-hidden' }, `Variants of ${step.name}`),
        h('thead', {}, h('tr', {}, ['Variant', 'Model', 'Prompt', 'Settings', 'Output'].map(t => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, (step.variants ?? []).map((v, i) => h('tr', { dataset: { variant: v.name } },
          h('th', { scope: 'row' }, v.name, i === 0 ? h('span', { class: 'badge' }, 'default') : null),
          h('td', {}, h('code', {}, v.model)),
          h('td', {}, v.system ? [h('div', { class: 'muted small' }, 'System:'), h('pre', { class: 'flow-text' }, v.system)] : null,
            h('pre', { class: 'flow-text' }, v.prompt)),
          h('td', { class: 'small' }, `temperature ${v.temperature ?? 'default'}`, h('br', {}), `max tokens ${v.maxTokens ?? 'default'}`),
          h('td', { class: 'small' }, parserText(v.parser)))))))))));
}

function parserText(parser) {
  if (!parser || parser.type === 'text') return 'text';
  if (parser.type === 'json-field') return `JSON field ${parser.field}`;
  return `label: ${(parser.labels ?? []).join(', ')}`;
}

/** A list of bulk tests with their job's state and progress, linking to each. */
export function testsTable(items) {
  if (items.length === 0) return h('p', { class: 'muted', id: 'bulk-tests-none' }, 'No bulk tests yet.');
  return h('div', { class: 'table-scroll' }, h('table', { id: 'bulk-tests' },
    h('caption', { class: 'visually-hidden' }, 'Bulk tests'),
    h('thead', {}, h('tr', {}, ['Bulk test', 'Runs', 'State', 'Progress', 'Rows answered', 'Started by', 'Asked'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, items.map(test => h('tr', { dataset: { test: test.id } },
      h('th', { scope: 'row' }, h('a', { href: `#/bulk-tests/${encodeURIComponent(test.id)}`, class: 'bulk-test-link' }, test.id.slice(0, 8))),
      h('td', {}, (test.runs ?? []).join(', ')),
      h('td', {}, jobStateBadge(test.job)),
      h('td', {}, progressBar(test.job, `Progress of bulk test ${test.id.slice(0, 8)}`)),
      h('td', { class: 'metric-value' }, Object.entries(test.answered ?? {}).map(([run, n], i) => [i ? ' · ' : '', `${run}: ${n}`])),
      h('td', {}, test.createdBy ?? '—'),
      h('td', {}, h('time', { datetime: test.createdAt, title: formatDateTime(test.createdAt) }, relativeTime(test.createdAt))))))));
}

function backLink() {
  return h('p', { class: 'breadcrumb' }, h('a', { href: '#/flows' }, '← Prompt flows'));
}
