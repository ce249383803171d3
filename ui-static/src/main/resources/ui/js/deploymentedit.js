// The endpoint page's Edit dialog: another version of a deployment's model (its instances load beside the current
// ones, which answer until every new one is ready), its number of instances and its limits, sent as one PATCH of
// what changed. The API's field errors show beside their fields.
import { listVersions, updateDeployment } from './api.js';
import { RESOURCES } from './deploy.js';
import { h, problemView, replaceChildren, showDialog } from './dom.js';
import { versionsWithFiles } from './wizard.js';

const ID = 'edit-deployment-dialog';

/** The settings a deployment answers with, by the PATCH request's field names. */
function settingsOf(deployment) {
  return { versionNumber: deployment.versionNumber, instanceCount: deployment.instanceCount, cpuCores: deployment.cpuCores ?? 0,
    maxConcurrentRequestsPerInstance: deployment.maxConcurrentRequestsPerInstance, requestTimeoutMs: deployment.requestTimeoutMs,
    maxBatchSize: deployment.maxBatchSize, maxBatchDelayMs: deployment.maxBatchDelayMs };
}

/**
 * The PATCH body for a form's `values` (field name -> text) against the deployment's settings: only what changed,
 * numbers as numbers, anything else as typed (the API names it).
 */
export function deploymentChanges(deployment, values) {
  const was = settingsOf(deployment);
  const body = {};
  for (const [name, text] of Object.entries(values)) {
    const trimmed = String(text ?? '').trim();
    if (trimmed === '') continue;
    const value = Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
    if (value !== was[name]) body[name] = value;
  }
  return body;
}

/**
 * Opens the dialog for `deployment` of endpoint `endpointName`. Answers a promise of the changed deployment (as the
 * API answered it) with `before`, the settings it had, or null when nothing was sent; the focus goes back where it was.
 */
export function editDeploymentDialog(endpointName, deployment) {
  document.getElementById(ID)?.close();
  const back = document.activeElement;
  return new Promise(resolve => {
    let answer = null;
    let sending = false;
    const fields = new Map(); // the API's field name -> { input, error }
    const fieldError = idBase => h('p', { id: `${idBase}-error`, class: 'field-error', hidden: true });

    const current = `v${deployment.versionNumber} (current)`;
    const version = h('select', { id: 'edit-version', disabled: true, 'aria-describedby': 'edit-version-hint edit-version-error' },
      h('option', { value: String(deployment.versionNumber) }, current));
    const versionHint = h('p', { id: 'edit-version-hint', class: 'hint' }, 'Loading the versions…');
    fields.set('versionNumber', { input: version, error: fieldError('edit-version') });
    const resources = RESOURCES.map(setting => {
      const id = setting.id.replace(/^deploy-/, 'edit-');
      const input = h('input', { id, name: setting.name, type: 'number', inputmode: 'numeric', step: '1', min: String(setting.min),
        max: String(setting.max), value: String(settingsOf(deployment)[setting.name]), 'aria-describedby': `${id}-hint ${id}-error` });
      const error = fieldError(id);
      fields.set(setting.name, { input, error });
      return h('div', { class: 'field' }, h('label', { for: id }, setting.label), input,
        h('p', { id: `${id}-hint`, class: 'hint' }, setting.hint), error);
    });
    const message = h('div', { id: 'edit-deployment-message' });
    const save = h('button', { type: 'submit', class: 'button primary', id: 'edit-deployment-save' }, 'Save');
    const cancel = h('button', { type: 'button', class: 'button', id: 'edit-deployment-cancel' }, 'Cancel');
    const form = h('form', { id: 'edit-deployment-form', novalidate: true, onsubmit: event => { event.preventDefault(); send(); } },
      h('p', { class: 'muted' }, `${deployment.modelName} · ${deployment.device === 'gpu' ? 'GPU' : 'CPU'}. `
        + 'Another version or CPU cores load beside the current instances, which answer until every new one is ready.'),
      h('div', { class: 'field' }, h('label', { for: 'edit-version' }, 'Version'), version, versionHint,
        fields.get('versionNumber').error),
      h('div', { class: 'field-row' }, resources),
      message,
      h('div', { class: 'dialog-actions' }, cancel, save));
    const dialog = h('dialog', { id: ID, class: 'dialog', 'aria-labelledby': `${ID}-heading` },
      h('div', { class: 'dialog-head' }, h('h2', { id: `${ID}-heading` }, `Change deployment ${deployment.name}`),
        h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => dialog.close() }, '×')),
      h('div', { class: 'dialog-body' }, form));
    cancel.addEventListener('click', () => dialog.close());

    // The versions of the same model that have files, newest first; the current one stays chosen.
    listVersions(deployment.modelId).then(versions => {
      const choices = versionsWithFiles(versions);
      if (!choices.some(v => v.versionNumber === deployment.versionNumber)) choices.push({ versionNumber: deployment.versionNumber });
      replaceChildren(version, choices.map(v => h('option', { value: String(v.versionNumber), selected: v.versionNumber === deployment.versionNumber },
        v.versionNumber === deployment.versionNumber ? current : `v${v.versionNumber}${v.notes ? ` · ${v.notes}` : ''}`)));
      version.disabled = false;
      versionHint.textContent = 'Versions of this model with files, newest first.';
    }).catch(error => {
      versionHint.textContent = 'The versions could not be loaded: the deployment keeps its version.';
      replaceChildren(message, problemView(error));
    });

    /** Shows field errors beside their fields; answers those it placed and focuses the first. */
    function showErrors(errors) {
      const placed = [];
      for (const [name, { input, error }] of fields) {
        const mine = errors.filter(e => e.field === name);
        error.textContent = mine.map(e => e.message).join(' ');
        error.hidden = mine.length === 0;
        if (mine.length) input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
        placed.push(...mine);
      }
      [...fields.values()].find(f => f.input.getAttribute('aria-invalid') === 'true')?.input.focus();
      return placed;
    }

    async function send() {
      if (sending) return;
      const body = deploymentChanges(deployment, Object.fromEntries([...fields].map(([name, { input }]) => [name, input.value])));
      replaceChildren(message);
      showErrors([]);
      if (Object.keys(body).length === 0) {
        replaceChildren(message, h('p', { class: 'muted', id: 'edit-deployment-unchanged', role: 'status' },
          'Nothing changed: change a setting, or cancel.'));
        return;
      }
      sending = true;
      save.disabled = true;
      save.textContent = 'Saving…';
      try {
        answer = { deployment: await updateDeployment(endpointName, deployment.name, body), before: settingsOf(deployment) };
        dialog.close();
      } catch (error) {
        const placed = showErrors(error.errors);
        // 404: the deployment went meanwhile; 409 and others: the answer says why.
        if (placed.length === 0 || placed.length < error.errors.length) replaceChildren(message, problemView(error));
      } finally {
        sending = false;
        save.disabled = false;
        save.textContent = 'Save';
      }
    }

    showDialog(dialog, () => {
      if (back?.isConnected) back.focus();
      resolve(answer);
    });
    fields.get('instanceCount').input.focus();
  });
}
