// "Deploy" on a prompt flow's page: the flow (in a chosen variant per step) into a new or an existing online endpoint
// that serves flows. A new endpoint is made first and its keys handed to the endpoint's page (they may not be shown
// again); the API's field errors show beside their inputs, and success goes to the endpoint's page.
import { createDeployment, createEndpoint, getFlow, listEndpoints, updateDeployment } from './api.js';
import { endpointNameFor, nextDeploymentName } from './deploy.js';
import { h, problemView, replaceChildren, showDialog } from './dom.js';
import { FieldErrors } from './fielderrors.js';
import { handOverNewKeys } from './serving.js';

/** The form that deploys `flow`; answers a promise of it (it lists the endpoints first). */
export async function flowDeployForm(flow, navigate) {
  const endpoints = (await listEndpoints()).items ?? [];
  const flowEndpoints = endpoints.filter(e => (e.deployments ?? []).length === 0
    || e.deployments.every(d => d.flow));
  const taken = new Set(endpoints.map(e => e.name));
  const fields = new FieldErrors();
  const endpointFields = new FieldErrors();

  const endpointInput = h('input', { id: 'flow-deploy-endpoint', name: 'endpoint', list: 'flow-deploy-endpoints',
    value: flowEndpoints.find(e => e.deployments.some(d => d.flow?.name === flow.name))?.name
      ?? endpointNameFor(flow.name, taken), autocomplete: 'off', required: true });
  const endpointError = endpointFields.add('name', endpointInput, 'flow-deploy-endpoint');
  const deploymentInput = h('input', { id: 'flow-deploy-name', name: 'name', required: true });
  const deploymentError = fields.add('name', deploymentInput, 'flow-deploy-name');
  const suggestName = () => {
    const existing = endpoints.find(e => e.name === endpointInput.value.trim());
    deploymentInput.value = nextDeploymentName(new Set((existing?.deployments ?? []).map(d => d.name)));
  };
  endpointInput.addEventListener('change', suggestName);
  suggestName();

  const variantSelects = (flow.steps ?? []).filter(step => (step.variants ?? []).length > 1).map(step => {
    const select = h('select', { id: `flow-deploy-variant-${step.name}`, name: `variants.${step.name}` },
      step.variants.map((v, i) => h('option', { value: v.name }, i === 0 ? `${v.name} (default)` : v.name)));
    const error = fields.add(`variants.${step.name}`, select, `flow-deploy-variant-${step.name}`);
    return { step: step.name, select, element: h('div', { class: 'field' },
      h('label', { for: select.id }, `Variant of ${step.name}`), select, error) };
  });
  const numberField = (name, id, label, value, min, max, hint) => {
    const input = h('input', { id, name, type: 'number', value: String(value), min: String(min), max: String(max) });
    const error = fields.add(name, input, id);
    return { name, input, element: h('div', { class: 'field' }, h('label', { for: id }, label), input,
      h('p', { class: 'hint' }, hint), error) };
  };
  const limits = [
    numberField('maxConcurrentRequestsPerInstance', 'flow-deploy-max-concurrent', 'Max concurrent requests', 16, 1, 256,
      'In each catalog service; beyond it callers get 429 with Retry-After.'),
    numberField('requestTimeoutMs', 'flow-deploy-timeout', 'Request timeout (ms)', 60000, 100, 300000,
      'All the steps of one call; beyond it callers get 504.'),
  ];
  const message = h('div', { id: 'flow-deploy-message', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'button primary', id: 'flow-deploy-submit' }, 'Deploy');

  let created = null; // the endpoint this form made, whose keys go to its page (a failed deployment keeps them here)

  async function send() {
    replaceChildren(message);
    fields.show([]);
    endpointFields.show([]);
    submit.disabled = true;
    submit.textContent = 'Deploying…';
    try {
      const endpointName = endpointInput.value.trim();
      if (!taken.has(endpointName)) {
        try {
          created = await createEndpoint({ name: endpointName, description: `Serves prompt flow ${flow.name}` });
          taken.add(endpointName);
        } catch (error) {
          show(endpointFields, error);
          return;
        }
      }
      const body = { name: deploymentInput.value.trim(), flow: flow.name,
        variants: Object.fromEntries(variantSelects.map(v => [v.step, v.select.value])) };
      for (const limit of limits) if (limit.input.value !== '') body[limit.name] = Number(limit.input.value);
      try {
        await createDeployment(endpointName, body);
      } catch (error) {
        show(fields, error);
        return;
      }
      if (created?.endpoint.name === endpointName) handOverNewKeys(endpointName, created.keys);
      navigate(`/endpoints/${encodeURIComponent(endpointName)}`);
    } finally {
      submit.disabled = false;
      submit.textContent = 'Deploy';
    }
  }

  /** The API's refusal beside the fields it names (a 409 beside the name), the rest below the form. */
  function show(where, error) {
    const problem = error.status === 409 ? { ...error, errors: [{ field: 'name', message: error.detail || error.title }] } : error;
    const left = where.show(problem.errors ?? []);
    if (!(problem.errors ?? []).length || left.length) replaceChildren(message, problemView({ ...problem, errors: left }));
  }

  return h('form', { id: 'flow-deploy-form', novalidate: true, onsubmit: event => { event.preventDefault(); send(); } },
    h('p', { class: 'muted' }, 'Applications then send the flow\'s inputs to the endpoint and get its outputs: ',
      h('code', {}, JSON.stringify(Object.fromEntries((flow.inputs ?? []).map(i => [i, '…'])))),
      '. The deployment keeps this version of the flow until told to take a newer one; its LLM calls are yours.'),
    h('datalist', { id: 'flow-deploy-endpoints' }, flowEndpoints.map(e => h('option', { value: e.name }))),
    h('div', { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: 'flow-deploy-endpoint' }, 'Endpoint'), endpointInput,
        h('p', { class: 'hint' }, 'An endpoint that serves flows, or a new name (3 to 32 lowercase letters, digits and -).'),
        endpointError),
      h('div', { class: 'field' }, h('label', { for: 'flow-deploy-name' }, 'Deployment name'), deploymentInput,
        h('p', { class: 'hint' }, 'Callers can pin it with the azureml-model-deployment header.'), deploymentError)),
    variantSelects.length ? h('div', { class: 'field-row' }, variantSelects.map(v => v.element)) : null,
    h('div', { class: 'field-row' }, limits.map(l => l.element)),
    message,
    h('div', { class: 'wizard-actions' }, submit));
}

const EDIT_ID = 'edit-flow-deployment-dialog';

/**
 * The endpoint page's Edit dialog for a flow deployment: serve the flow as it is saved now, other variants, other
 * limits, sent as one PATCH of what changed. Answers a promise of { deployment, before } (the deployment as the API
 * answered it, and as it was), or null when nothing was sent.
 */
export function editFlowDeploymentDialog(endpointName, deployment) {
  document.getElementById(EDIT_ID)?.close();
  const back = document.activeElement;
  return new Promise(resolve => {
    let answer = null;
    const fields = new FieldErrors();
    const served = deployment.flow;
    const redeploy = h('input', { type: 'checkbox', id: 'edit-flow-redeploy', name: 'redeployFlow', disabled: true });
    const redeployHint = h('p', { class: 'hint', id: 'edit-flow-redeploy-hint' }, 'Looking for a newer version…');
    const redeployError = fields.add('redeployFlow', redeploy, 'edit-flow-redeploy');
    const variantsBox = h('div', { class: 'field-row' });
    const variantSelects = [];
    const limit = (name, id, label, value, min, max) => {
      const input = h('input', { id, name, type: 'number', value: String(value), min: String(min), max: String(max) });
      return { name, input, value, element: h('div', { class: 'field' }, h('label', { for: id }, label), input,
        fields.add(name, input, id)) };
    };
    const limits = [
      limit('maxConcurrentRequestsPerInstance', 'edit-flow-max-concurrent', 'Max concurrent requests',
        deployment.maxConcurrentRequestsPerInstance, 1, 256),
      limit('requestTimeoutMs', 'edit-flow-timeout', 'Request timeout (ms)', deployment.requestTimeoutMs, 100, 300000),
    ];
    const message = h('div', { id: 'edit-flow-deployment-message' });
    const save = h('button', { type: 'submit', class: 'button primary', id: 'edit-flow-deployment-save' }, 'Save');
    const cancel = h('button', { type: 'button', class: 'button', id: 'edit-flow-deployment-cancel' }, 'Cancel');

    getFlow(served.name).then(flow => {
      redeploy.disabled = flow.version === served.version;
      redeployHint.textContent = flow.version === served.version
        ? `It serves v${served.version}, the newest saved.`
        : `It serves v${served.version}; v${flow.version} was saved ${flow.updatedBy ? `by ${flow.updatedBy} ` : ''}since.`;
      for (const step of flow.steps ?? []) {
        if ((step.variants ?? []).length < 2) continue;
        const chosen = served.variants?.[step.name] ?? step.variants[0].name;
        const select = h('select', { id: `edit-flow-variant-${step.name}`, name: `variants.${step.name}` },
          step.variants.map(v => h('option', { value: v.name, selected: v.name === chosen }, v.name)));
        variantSelects.push({ step: step.name, select, was: chosen });
        variantsBox.append(h('div', { class: 'field' }, h('label', { for: select.id }, `Variant of ${step.name}`), select,
          fields.add(`variants.${step.name}`, select, `edit-flow-variant-${step.name}`)));
      }
    }).catch(error => {
      redeployHint.textContent = 'The flow could not be read: its version and variants stay.';
      replaceChildren(message, problemView(error));
    });

    async function send() {
      const body = {};
      if (redeploy.checked) body.redeployFlow = true;
      if (variantSelects.some(v => v.select.value !== v.was)) {
        body.variants = Object.fromEntries(variantSelects.map(v => [v.step, v.select.value]));
      }
      for (const l of limits) if (l.input.value !== '' && Number(l.input.value) !== l.value) body[l.name] = Number(l.input.value);
      replaceChildren(message);
      fields.show([]);
      if (Object.keys(body).length === 0) {
        replaceChildren(message, h('p', { class: 'muted', id: 'edit-flow-deployment-unchanged', role: 'status' },
          'Nothing changed: change a setting, or cancel.'));
        return;
      }
      save.disabled = true;
      try {
        answer = { deployment: await updateDeployment(endpointName, deployment.name, body), before: deployment };
        dialog.close();
      } catch (error) {
        const left = fields.show(error.errors ?? []);
        if (!(error.errors ?? []).length || left.length) replaceChildren(message, problemView({ ...error, errors: left }));
      } finally {
        save.disabled = false;
      }
    }

    const form = h('form', { id: 'edit-flow-deployment-form', novalidate: true, onsubmit: event => { event.preventDefault(); send(); } },
      h('p', { class: 'muted' }, `Prompt flow ${served.name}. Changes apply from the next call.`),
      h('div', { class: 'field' }, h('label', { class: 'checkbox' }, redeploy, ' Serve the flow as it is saved now'),
        redeployHint, redeployError),
      variantsBox,
      h('div', { class: 'field-row' }, limits.map(l => l.element)),
      message,
      h('div', { class: 'dialog-actions' }, cancel, save));
    const dialog = h('dialog', { id: EDIT_ID, class: 'dialog', 'aria-labelledby': `${EDIT_ID}-heading` },
      h('div', { class: 'dialog-head' }, h('h2', { id: `${EDIT_ID}-heading` }, `Change deployment ${deployment.name}`),
        h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => dialog.close() }, '×')),
      h('div', { class: 'dialog-body' }, form));
    cancel.addEventListener('click', () => dialog.close());
    showDialog(dialog, () => {
      if (back?.isConnected) back.focus();
      resolve(answer);
    });
    limits[0].input.focus();
  });
}

/** How a flow deployment shows where a model's would: the flow (linked), its version and the variants it runs. */
export function servedFlowView(deployment) {
  const variants = Object.entries(deployment.flow.variants ?? {});
  return h('span', { class: 'deployment-flow' }, 'flow ',
    h('a', { href: `#/flows/${encodeURIComponent(deployment.flow.name)}`, class: 'deployment-model' }, deployment.flow.name),
    variants.length ? h('span', { class: 'muted small' }, ` (${variants.map(([s, v]) => `${s}: ${v}`).join(', ')})`) : null);
}
