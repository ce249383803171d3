// The batch endpoints page (#/batch-endpoints): every batch endpoint with its deployments, and for contributors
// a form that creates one with its first deployment.
import { createBatchDeployment, createBatchEndpoint, listBatchEndpoints, listModels } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';
import { FieldErrors, numberValue } from './fielderrors.js';
import { formatDateTime, relativeTime } from './format.js';
import { can } from './session.js';
import { loadTaskRegistry } from './tasks.js';

const NAME_HINT = '3 to 32 lowercase letters, digits and "-", starting with a letter';

/** Mounts the batch endpoints page into `root`; returns { unmount() }. */
export function mountBatchEndpoints(root, navigate) {
  let active = true;
  document.title = 'Batch endpoints · ModelCat';
  const summary = h('p', { id: 'batch-endpoints-summary', class: 'summary', role: 'status' }, 'Loading batch endpoints…');
  const message = h('div', { id: 'batch-endpoints-message' });
  const tableBody = h('tbody', {});
  const table = h('div', { class: 'table-scroll', hidden: true }, h('table', { id: 'batch-endpoints' },
    h('caption', { class: 'visually-hidden' }, 'Batch endpoints'),
    h('thead', {}, h('tr', {}, ['Batch endpoint', 'Default deployment', 'Deployments', 'Created by', 'Created']
      .map(title => h('th', { scope: 'col' }, title)))),
    tableBody));
  const createBox = h('div', { id: 'batch-create-box' });
  replaceChildren(root, h('div', { class: 'batch-endpoints-page' },
    h('div', { class: 'page-head' }, h('h1', { id: 'batch-endpoints-heading' }, 'Batch endpoints')),
    h('p', { class: 'muted' }, 'A batch endpoint scores a whole dataset with a catalog model, as a job split into mini-batches, '
      + 'and writes predictions.csv and predictions.jsonl.'),
    summary, message, table, createBox));

  function row(endpoint) {
    const deployments = endpoint.deployments ?? [];
    return h('tr', { dataset: { endpoint: endpoint.name } },
      h('th', { scope: 'row' }, h('a', { href: `#/batch-endpoints/${encodeURIComponent(endpoint.name)}`, class: 'batch-endpoint-link' },
        endpoint.name), endpoint.description ? h('div', { class: 'muted small' }, endpoint.description) : null),
      h('td', { class: 'batch-default' }, endpoint.defaultDeployment ?? h('span', { class: 'muted' }, 'None yet')),
      h('td', {}, deployments.length === 0 ? h('span', { class: 'muted' }, 'None yet')
        : h('ul', { class: 'plain-list' }, deployments.map(d => h('li', { dataset: { deployment: d.name } },
          h('span', { class: 'deployment-name' }, d.name), h('span', { class: 'muted small' }, ` ${d.modelName} v${d.versionNumber}`))))),
      h('td', {}, endpoint.createdBy ?? '—'),
      h('td', {}, h('time', { datetime: endpoint.createdAt, title: formatDateTime(endpoint.createdAt) }, relativeTime(endpoint.createdAt))));
  }

  function load() {
    listBatchEndpoints().then(answer => {
      if (!active) return;
      const items = answer?.items ?? [];
      replaceChildren(tableBody, items.map(row));
      table.hidden = items.length === 0;
      summary.textContent = items.length === 0 ? 'No batch endpoints yet'
        : `${items.length} ${items.length === 1 ? 'batch endpoint' : 'batch endpoints'}`;
      replaceChildren(message);
    }).catch(error => {
      if (!active) return;
      summary.textContent = 'The batch endpoints could not be loaded.';
      replaceChildren(message, problemView(error, load));
    });
  }

  load();
  if (can('contributor')) {
    Promise.all([loadTaskRegistry(), listModels({ limit: 100 })]).then(([registry, models]) => {
      if (active) replaceChildren(createBox, createForm(registry, models?.items ?? [], navigate));
    }).catch(error => {
      if (active) replaceChildren(createBox, problemView(error));
    });
  }
  return { unmount: () => { active = false; } };
}

/** The form that creates an endpoint and its first deployment, in two calls; field errors show beside their fields. */
function createForm(registry, models, navigate) {
  const scorable = models.filter(m => registry.runs(m.task, 'predict'));
  const errors = new FieldErrors();
  const input = (id, attributes = {}) => h('input', { id, type: 'text', autocomplete: 'off', spellcheck: 'false', ...attributes });
  const nameInput = input('batch-create-name', { maxlength: '32' });
  const descriptionInput = input('batch-create-description', { maxlength: '2000' });
  const deploymentInput = input('batch-create-deployment', { maxlength: '32', value: 'blue' });
  const modelSelect = h('select', { id: 'batch-create-model' },
    h('option', { value: '' }, scorable.length ? 'Choose a model…' : 'No model of a task that can be scored'),
    scorable.map(m => h('option', { value: m.id }, `${m.name} (${m.task})`)));
  const versionInput = input('batch-create-version', { inputmode: 'numeric', placeholder: 'newest' });
  const endpointErrors = new FieldErrors();
  const field = (id, label, control, error, hint) => h('div', { class: 'field' },
    h('label', { for: id }, label), control, hint ? h('p', { class: 'hint' }, hint) : null, error);
  const nameField = field('batch-create-name', 'Endpoint name', nameInput, endpointErrors.add('name', nameInput, 'batch-create-name'), NAME_HINT);
  const descriptionField = field('batch-create-description', 'Description (optional)', descriptionInput,
    endpointErrors.add('description', descriptionInput, 'batch-create-description'));
  const deploymentField = field('batch-create-deployment', 'Deployment name', deploymentInput,
    errors.add('name', deploymentInput, 'batch-create-deployment'), NAME_HINT);
  const modelField = field('batch-create-model', 'Model', modelSelect, errors.add('modelId', modelSelect, 'batch-create-model'),
    `Models whose task can be scored: ${registry.running('predict').join(', ')}.`);
  const versionField = field('batch-create-version', 'Version (optional)', versionInput,
    errors.add('versionNumber', versionInput, 'batch-create-version'));
  const submit = h('button', { type: 'submit', class: 'button primary', id: 'batch-create-submit' }, 'Create');
  const status = h('div', { id: 'batch-create-status', role: 'status' });
  const form = h('form', { id: 'batch-create', class: 'wizard', novalidate: true },
    h('h2', {}, 'New batch endpoint'),
    h('div', { class: 'field-row' }, nameField, descriptionField),
    h('div', { class: 'field-row' }, deploymentField, modelField, versionField),
    submit, status);

  form.addEventListener('submit', async event => {
    event.preventDefault();
    replaceChildren(status);
    submit.disabled = true;
    const name = nameInput.value.trim();
    try {
      try {
        await createBatchEndpoint({ name, description: descriptionInput.value.trim() || undefined });
        endpointErrors.show([]);
      } catch (error) {
        const left = endpointErrors.show(error.errors ?? []);
        if (left.length || !error.errors?.length) replaceChildren(status, problemView(error));
        return;
      }
      try {
        await createBatchDeployment(name, { name: deploymentInput.value.trim(), modelId: modelSelect.value || null,
          versionNumber: numberValue(versionInput) });
      } catch (error) {
        const left = errors.show(error.errors ?? []);
        replaceChildren(status, h('p', { class: 'field-error' }, `Endpoint ${name} was made; its deployment was not.`),
          left.length || !error.errors?.length ? problemView(error) : null);
        return;
      }
      navigate(`/batch-endpoints/${encodeURIComponent(name)}`);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
