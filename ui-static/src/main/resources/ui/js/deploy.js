// The deploy page (#/models/{id}/deploy): a model version into a new or an existing online endpoint, in one
// form. A new endpoint is made first (its keys shown at once, since they may not be shown again), then the
// deployment; the API's field errors show beside their inputs, and success goes to the endpoint's page.
import { createDeployment, createEndpoint, getModel, listEndpoints, listVersions } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';
import { handOverNewKeys, newKeysView } from './serving.js';
import { can, needsRole } from './session.js';
import { loadTaskRegistry } from './tasks.js';
import { versionsWithFiles } from './wizard.js';

// The API's defaults and limits (docs/deployments.md); the API checks them either way. The endpoint page's Edit
// dialog offers the same settings.
export const RESOURCES = [
  { name: 'instanceCount', id: 'deploy-instances', label: 'Instances', value: 1, min: 1, max: 8,
    hint: 'Copies of the model, each on a runner; 1 to 8.' },
  { name: 'cpuCores', id: 'deploy-cpu-cores', label: 'CPU cores per instance', value: 0, min: 0, max: 256,
    hint: 'Reserved on its runner (placed only where that many are free) and the threads it computes on; 0: shares the runner\'s cores.' },
  { name: 'maxConcurrentRequestsPerInstance', id: 'deploy-max-concurrent', label: 'Max concurrent requests per instance',
    value: 4, min: 1, max: 256, hint: 'Beyond it callers get 429 with Retry-After; 1 to 256.' },
  { name: 'requestTimeoutMs', id: 'deploy-timeout', label: 'Request timeout (ms)', value: 5000, min: 100, max: 300000,
    hint: 'Beyond it callers get 504; 100 to 300000.' },
  { name: 'maxBatchSize', id: 'deploy-batch-size', label: 'Max batch size', value: 8, min: 1, max: 64,
    hint: 'Calls arriving together run as one batch of up to this many inputs; 1 to 64.' },
  { name: 'maxBatchDelayMs', id: 'deploy-batch-delay', label: 'Max batch delay (ms)', value: 2, min: 0, max: 1000,
    hint: 'How long the first call waits for others to join its batch; 0 to 1000.' },
];
const NAME_HINT = '3 to 32 lowercase letters, digits and -, starting with a letter.';

/** Why a model cannot be deployed, from the task registry (the tasks endpoints serve); null when it can. */
export function deployBlocker(model, versions, registry) {
  // The task first: importing files would not help a model whose task cannot be served.
  if (!registry.served(model.task)) {
    return `Deployments serve ${registry.serving().join(', ') || 'no task yet'}; this model is for ${model.task}.`;
  }
  if (versionsWithFiles(versions).length === 0) return 'No version with files yet: import the model first.';
  return null;
}

/** A name the API accepts, made from a model's: 'Acme/Alpha_Sentiment' gives 'acme-alpha-sentiment'. */
export function endpointNameFor(modelName, taken) {
  let base = String(modelName ?? '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  if (!/^[a-z]/.test(base)) base = `ep-${base}`.replace(/-$/, '');
  base = base.slice(0, 29).replace(/-$/, '');
  if (base.length < 3) base = `${base}-ep`.replace(/^-/, '');
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  return name;
}

/** The first free deployment name: blue, green, then blue-2, green-2 and so on. */
export function nextDeploymentName(taken) {
  for (let round = 1; ; round++) {
    for (const colour of ['blue', 'green']) {
      const name = round === 1 ? colour : `${colour}-${round}`;
      if (!taken.has(name)) return name;
    }
  }
}

/** Mounts the deploy page of model `id`; returns { unmount() }. */
export function mountDeploy(root, id, navigate) {
  let active = true;
  function load() {
    document.title = 'Deploy · ModelCat';
    if (!can('contributor')) {
      replaceChildren(root, backLink(id), h('h1', {}, 'Deploy'), h('p', { id: 'deploy-role' }, needsRole('contributor')));
      return;
    }
    replaceChildren(root, h('p', { class: 'loading', role: 'status' }, 'Loading…'));
    Promise.all([getModel(id), listVersions(id), loadTaskRegistry(), listEndpoints()])
      .then(([model, versions, registry, endpoints]) => {
        if (active) render(root, model, versions ?? [], registry, endpoints?.items ?? [], navigate, () => active);
      })
      .catch(error => {
        if (!active) return;
        const missing = error.status === 400 || error.status === 404;
        replaceChildren(root, backLink(id),
          h('h1', {}, missing ? 'Model not found' : 'The page could not be loaded'),
          problemView(error, missing ? null : load));
      });
  }
  load();
  return { unmount: () => { active = false; } };
}

function backLink(id, name) {
  return h('p', { class: 'breadcrumb' }, h('a', { href: `#/models/${encodeURIComponent(id)}` }, `← ${name ?? 'Model'}`));
}

function render(root, model, allVersions, registry, endpoints, navigate, isActive) {
  document.title = `Deploy ${model.name} · ModelCat`;
  const heading = h('h1', { id: 'deploy-title' }, `Deploy ${model.name}`);
  const why = deployBlocker(model, allVersions, registry);
  if (why) {
    replaceChildren(root, backLink(model.id, model.name), heading,
      h('div', { class: 'empty', id: 'deploy-unavailable' }, h('p', {}, why)));
    return;
  }
  const versions = versionsWithFiles(allVersions);
  const fieldError = idBase => h('p', { id: `${idBase}-error`, class: 'field-error', hidden: true });
  // The API's field names per request -> { input, error }: the endpoint's and the deployment's both have a `name`.
  const endpointFields = new Map();
  const deploymentFields = new Map();

  // 1. Endpoint: a new one, or one that exists.
  const radio = (value, label) => h('label', { class: 'radio' },
    h('input', { type: 'radio', name: 'endpoint-choice', id: `deploy-endpoint-${value}`, value, checked: value === 'new',
      disabled: value === 'existing' && endpoints.length === 0 }), ` ${label}`);
  const choiceNew = radio('new', 'A new endpoint');
  const choiceExisting = radio('existing', 'An existing endpoint');
  const chosen = () => (choiceExisting.querySelector('input').checked ? 'existing' : 'new');
  const noEndpoints = h('p', { class: 'hint', id: 'deploy-no-endpoints', hidden: endpoints.length > 0 },
    'No endpoints yet: this deployment makes the first.');

  const nameInput = h('input', { id: 'deploy-endpoint-name', type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: '32',
    value: endpointNameFor(model.name, new Set(endpoints.map(e => e.name))),
    'aria-describedby': 'deploy-endpoint-name-hint deploy-endpoint-name-error' });
  const nameError = fieldError('deploy-endpoint-name');
  endpointFields.set('name', { input: nameInput, error: nameError });
  const descriptionInput = h('input', { id: 'deploy-endpoint-description', type: 'text', maxlength: '2000', autocomplete: 'off',
    'aria-describedby': 'deploy-endpoint-description-error' });
  const descriptionError = fieldError('deploy-endpoint-description');
  endpointFields.set('description', { input: descriptionInput, error: descriptionError });
  const authRadio = (mode, label, hint) => h('label', { class: 'radio' },
    h('input', { type: 'radio', name: 'auth-mode', id: `deploy-auth-${mode}`, value: mode, checked: mode === 'key' }),
    ` ${label}`, h('span', { class: 'muted small' }, ` (${hint})`));
  const authKey = authRadio('key', 'Keys', 'two keys of its own, for applications');
  const authToken = authRadio('token', 'Personal API tokens', 'callers sign in as themselves');
  const authError = fieldError('deploy-auth');
  endpointFields.set('authMode', { input: authKey.querySelector('input'), error: authError });
  const newBox = h('div', { id: 'deploy-new-endpoint' },
    h('div', { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: 'deploy-endpoint-name' }, 'Endpoint name'), nameInput,
        h('p', { id: 'deploy-endpoint-name-hint', class: 'hint' }, `Part of its URL; ${NAME_HINT}`), nameError),
      h('div', { class: 'field' }, h('label', { for: 'deploy-endpoint-description' }, 'Description ', h('span', { class: 'muted' }, '(optional)')),
        descriptionInput, descriptionError)),
    h('div', { class: 'field', role: 'radiogroup', 'aria-labelledby': 'deploy-auth-label', 'aria-describedby': 'deploy-auth-error' },
      h('p', { id: 'deploy-auth-label', class: 'field-label' }, 'Callers authenticate with'),
      h('div', { class: 'radio-row' }, authKey, authToken), authError));

  const endpointSelect = h('select', { id: 'deploy-endpoint-select', 'aria-describedby': 'deploy-endpoint-select-error' });
  const endpointSelectError = fieldError('deploy-endpoint-select');
  const fillEndpoints = selected => replaceChildren(endpointSelect, endpoints.map(e => h('option', { value: e.name, selected: e.name === selected },
    `${e.name} · ${e.authMode === 'token' ? 'personal API tokens' : 'keys'} · ${e.deployments?.length ?? 0} deployment${e.deployments?.length === 1 ? '' : 's'}`)));
  fillEndpoints();
  const existingBox = h('div', { id: 'deploy-existing-endpoint', hidden: true },
    h('div', { class: 'field' }, h('label', { for: 'deploy-endpoint-select' }, 'Endpoint'), endpointSelect,
      h('p', { class: 'hint' }, 'The new deployment gets no traffic when the endpoint has some already: set it on the endpoint’s page.'),
      endpointSelectError));

  // 2. Deployment: its name (the first free one in the chosen endpoint) and the version.
  const deploymentName = h('input', { id: 'deploy-name', type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: '32',
    'aria-describedby': 'deploy-name-hint deploy-name-error' });
  const deploymentNameError = fieldError('deploy-name');
  deploymentFields.set('name', { input: deploymentName, error: deploymentNameError });
  let nameEdited = false;
  deploymentName.addEventListener('input', () => { nameEdited = true; });
  const versionSelect = h('select', { id: 'deploy-version', 'aria-describedby': 'deploy-version-error' },
    versions.map(v => h('option', { value: String(v.versionNumber) }, `v${v.versionNumber}${v.notes ? ` · ${v.notes}` : ''}`)));
  const versionError = fieldError('deploy-version');
  deploymentFields.set('versionNumber', { input: versionSelect, error: versionError });

  function suggestName() {
    if (nameEdited) return;
    const endpoint = chosen() === 'existing' ? endpoints.find(e => e.name === endpointSelect.value) : null;
    deploymentName.value = nextDeploymentName(new Set((endpoint?.deployments ?? []).map(d => d.name)));
  }
  function showChoice() {
    newBox.hidden = chosen() !== 'new';
    existingBox.hidden = chosen() !== 'existing';
    suggestName();
  }
  for (const choice of [choiceNew, choiceExisting]) choice.querySelector('input').addEventListener('change', showChoice);
  endpointSelect.addEventListener('change', suggestName);

  // 3. Resources.
  const deviceRadio = kind => h('input', { type: 'radio', name: 'deploy-device', id: `deploy-device-${kind}`, value: kind, checked: kind === 'cpu' });
  const deviceRadios = [deviceRadio('cpu'), deviceRadio('gpu')];
  const deviceError = fieldError('deploy-device');
  deploymentFields.set('device', { input: deviceRadios[0], error: deviceError });
  const resources = RESOURCES.map(setting => {
    const input = h('input', { id: setting.id, name: setting.name, type: 'number', inputmode: 'numeric', step: '1',
      min: String(setting.min), max: String(setting.max), value: String(setting.value),
      'aria-describedby': `${setting.id}-hint ${setting.id}-error` });
    const error = fieldError(setting.id);
    deploymentFields.set(setting.name, { input, error });
    return { setting, input, element: h('div', { class: 'field' }, h('label', { for: setting.id }, setting.label), input,
      h('p', { id: `${setting.id}-hint`, class: 'hint' }, setting.hint), error) };
  });

  const keysBox = h('div', { id: 'deploy-keys' });
  const message = h('div', { id: 'deploy-message' });
  const submit = h('button', { type: 'submit', class: 'button primary', id: 'deploy-submit' }, 'Deploy');
  let submitting = false;
  let created = null; // the endpoint this form made, and its keys

  /** Shows `errors` beside the fields of one request; answers those it placed. */
  function showErrors(fields, errors) {
    const placed = [];
    for (const [name, { input, error }] of fields) {
      const messages = errors.filter(e => e.field === name).map(e => e.message);
      error.textContent = messages.join(' ');
      error.hidden = messages.length === 0;
      if (messages.length) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      placed.push(...errors.filter(e => e.field === name));
    }
    return placed;
  }

  /** Shows a failed request: its field errors beside the fields, anything else as a whole; focuses the first field. */
  function showFailure(fields, error) {
    const errors = error.errors.length ? error.errors : [];
    const placed = showErrors(fields, errors);
    if (placed.length === 0 || placed.length < errors.length) {
      replaceChildren(message, problemView(error));
    } else {
      replaceChildren(message, h('p', { class: 'field-error', role: 'alert', id: 'deploy-invalid' },
        `${placed.length === 1 ? 'One field needs' : `${placed.length} fields need`} a change: see the messages beside them.`));
    }
    [...fields.values()].find(f => f.input.getAttribute('aria-invalid') === 'true')?.input.focus();
  }

  function numberValue(input) {
    const text = input.value.trim();
    if (text === '') return undefined;
    const value = Number(text);
    return Number.isFinite(value) ? value : text; // the API names a value that is not a number
  }

  /** Makes the new endpoint; answers its name, or null when it failed (the errors then show). */
  async function makeEndpoint() {
    const body = { name: nameInput.value.trim(), authMode: authToken.querySelector('input').checked ? 'token' : 'key' };
    if (descriptionInput.value.trim()) body.description = descriptionInput.value.trim();
    try {
      const answer = await createEndpoint(body);
      created = answer;
      // A retry must not make it again: from now on the form deploys into it.
      endpoints.push(answer.endpoint);
      fillEndpoints(answer.endpoint.name);
      choiceExisting.querySelector('input').disabled = false;
      noEndpoints.hidden = true;
      choiceExisting.querySelector('input').checked = true;
      showChoice();
      showErrors(endpointFields, []);
      if (answer.keys) replaceChildren(keysBox, newKeysView('deploy-new-keys', answer.keys));
      return answer.endpoint.name;
    } catch (error) {
      // 409: the name is taken; it belongs beside the name.
      showFailure(endpointFields, error.status === 409 ? { ...error, errors: [{ field: 'name', message: error.detail || error.title }] } : error);
      return null;
    }
  }

  async function send() {
    if (submitting) return;
    replaceChildren(message);
    showErrors(deploymentFields, []);
    submitting = true;
    submit.disabled = true;
    submit.textContent = 'Deploying…';
    try {
      const endpointName = chosen() === 'new' ? await makeEndpoint() : endpointSelect.value;
      if (!endpointName || !isActive()) return;
      const body = { name: deploymentName.value.trim(), modelId: model.id, versionNumber: Number(versionSelect.value),
        device: deviceRadios.find(r => r.checked)?.value ?? 'cpu' };
      for (const { setting, input } of resources) if (numberValue(input) !== undefined) body[setting.name] = numberValue(input);
      try {
        await createDeployment(endpointName, body);
      } catch (error) {
        showFailure(deploymentFields, error.status === 409
          ? { ...error, errors: [{ field: 'name', message: error.detail || error.title }] } : error);
        return;
      }
      if (created?.endpoint.name === endpointName) handOverNewKeys(endpointName, created.keys);
      if (isActive()) navigate(`/endpoints/${encodeURIComponent(endpointName)}`);
    } finally {
      submitting = false;
      submit.disabled = false;
      submit.textContent = 'Deploy';
    }
  }

  const step = (number, label, ...children) => h('fieldset', { class: 'wizard-step' }, h('legend', {}, `${number}. ${label}`), ...children);
  const form = h('form', { id: 'deploy-form', class: 'wizard', novalidate: true, onsubmit: event => { event.preventDefault(); send(); } },
    step(1, 'Endpoint',
      h('div', { class: 'field', role: 'radiogroup', 'aria-label': 'Endpoint' },
        h('div', { class: 'radio-row' }, choiceNew, choiceExisting), noEndpoints),
      newBox, existingBox),
    step(2, 'Deployment',
      h('div', { class: 'field-row' },
        h('div', { class: 'field' }, h('label', { for: 'deploy-name' }, 'Deployment name'), deploymentName,
          h('p', { id: 'deploy-name-hint', class: 'hint' }, `Callers can pin it with the azureml-model-deployment header; ${NAME_HINT}`),
          deploymentNameError),
        h('div', { class: 'field' }, h('label', { for: 'deploy-version' }, 'Version'), versionSelect,
          h('p', { class: 'hint' }, 'Versions with files, newest first.'), versionError))),
    step(3, 'Resources',
      h('div', { class: 'field', role: 'radiogroup', 'aria-labelledby': 'deploy-device-label', 'aria-describedby': 'deploy-device-error' },
        h('p', { id: 'deploy-device-label', class: 'field-label' }, 'Run on'),
        h('div', { class: 'radio-row' },
          h('label', { class: 'radio' }, deviceRadios[0], ' CPU'),
          h('label', { class: 'radio' }, deviceRadios[1], ' GPU')),
        h('p', { class: 'hint' }, 'A GPU deployment waits for runners with a GPU.'),
        deviceError),
      h('div', { class: 'field-row' }, resources.map(r => r.element))),
    keysBox,
    message,
    h('div', { class: 'wizard-actions' },
      h('a', { href: `#/models/${encodeURIComponent(model.id)}`, class: 'button' }, 'Cancel'), submit));

  replaceChildren(root, h('article', { class: 'wizard-page' },
    backLink(model.id, model.name), heading,
    h('p', { class: 'muted' }, `Serve ${model.name} (${model.task}) behind an online endpoint that applications call. `
      + 'Its instances run on the job runners and become ready when a runner has loaded the model.'),
    form));
  suggestName();
}
