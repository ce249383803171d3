// A batch endpoint's page (#/batch-endpoints/{name}): its deployments (the default marked, made default, changed or deleted),
// adding one, the Invoke form, and its jobs with their mini-batches' progress (refreshed while one is queued or
// running) and the links to download their outputs.
import {
  createBatchDeployment, deleteBatchDeployment, deleteBatchEndpoint, getBatchEndpoint, listBatchJobs, listModels,
  setDefaultBatchDeployment, updateBatchDeployment,
} from './api.js';
import { invokeForm } from './batchinvoke.js';
import { confirmDialog, h, problemView, replaceChildren, taskBadge } from './dom.js';
import { FieldErrors, numberValue } from './fielderrors.js';
import { formatDateTime, relativeTime } from './format.js';
import { isActive, jobStateBadge, progressBar } from './jobstatus.js';
import { poll } from './polling.js';
import { can } from './session.js';
import { loadTaskRegistry, settingInput } from './tasks.js';

const REFRESH_MS = 2000;

/** Mounts the page of batch endpoint `name`; returns { unmount() }. */
export function mountBatchEndpoint(root, name, navigate) {
  let active = true;
  let jobsPoll = null;

  function load() {
    document.title = `${name} · Batch endpoint · ModelCat`;
    replaceChildren(root, h('p', { class: 'loading', role: 'status' }, 'Loading batch endpoint…'));
    Promise.all([getBatchEndpoint(name), loadTaskRegistry()]).then(([endpoint, registry]) => {
      if (active) render(endpoint, registry);
    }).catch(error => {
      if (!active) return;
      const missing = error.status === 404;
      replaceChildren(root, backLink(), h('h1', {}, missing ? 'Batch endpoint not found' : 'The batch endpoint could not be loaded'),
        problemView(error, missing ? null : load));
    });
  }

  function render(endpoint, registry) {
    const contributor = can('contributor');
    const message = h('div', { id: 'batch-endpoint-message' });
    const jobsBox = h('div', { id: 'batch-jobs-box' });
    const invokeBox = h('div', { id: 'batch-invoke-box' });
    const deleteButton = contributor ? h('button', { type: 'button', class: 'button danger', id: 'batch-endpoint-delete' }, 'Delete') : null;
    deleteButton?.addEventListener('click', async () => {
      const sure = await confirmDialog({ id: 'batch-endpoint-delete-dialog', title: `Delete ${name}?`,
        text: 'Its deployments go; its jobs stay in the job list.', confirm: 'Delete' });
      if (!sure) return;
      try {
        await deleteBatchEndpoint(name);
        navigate('/batch-endpoints');
      } catch (error) {
        replaceChildren(message, problemView(error));
      }
    });
    replaceChildren(root, backLink(),
      h('div', { class: 'page-head' }, h('h1', { id: 'batch-endpoint-title' }, name), deleteButton),
      endpoint.description ? h('p', { class: 'muted' }, endpoint.description) : null,
      h('p', { class: 'muted small' }, 'Invocations: ', h('code', { id: 'batch-endpoint-path' }, `POST ${endpoint.invocationPath}`)),
      message,
      h('h2', {}, 'Deployments'), deploymentsTable(endpoint, contributor, message),
      contributor ? addDeploymentForm(registry) : null,
      h('h2', {}, 'Invoke'), contributor ? invokeBox : h('p', { class: 'muted', id: 'batch-invoke-role' }, 'Contributors invoke batch endpoints.'),
      h('h2', {}, 'Jobs'), jobsBox);
    if (contributor && (endpoint.deployments ?? []).length) {
      invokeForm(endpoint, registry, () => watchJobs(jobsBox, contributor)).then(form => {
        if (active) replaceChildren(invokeBox, form);
      }).catch(error => { if (active) replaceChildren(invokeBox, problemView(error)); });
    } else if (contributor) {
      replaceChildren(invokeBox, h('p', { class: 'muted', id: 'batch-invoke-none' }, 'Add a deployment first.'));
    }
    watchJobs(jobsBox, contributor);
  }

  function deploymentsTable(endpoint, contributor, message) {
    const deployments = endpoint.deployments ?? [];
    if (deployments.length === 0) return h('p', { class: 'muted', id: 'batch-deployments-none' }, 'No deployments yet.');
    const act = action => async () => {
      try {
        await action();
        load();
      } catch (error) {
        replaceChildren(message, problemView(error));
      }
    };
    return h('div', { class: 'table-scroll' }, h('table', { id: 'batch-deployments' },
      h('thead', {}, h('tr', {}, ['Deployment', 'Model', 'Task', 'Instances', 'Created', ''].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, deployments.map(d => h('tr', { dataset: { deployment: d.name } },
        h('th', { scope: 'row' }, d.name, d.name === endpoint.defaultDeployment ? h('span', { class: 'badge', id: 'batch-default-badge' }, 'default') : null),
        h('td', {}, h('a', { href: `#/models/${encodeURIComponent(d.modelId)}` }, d.modelName), ` v${d.versionNumber}`),
        h('td', {}, taskBadge(d.task)),
        h('td', { class: 'batch-instance-count' }, String(d.instanceCount ?? 1)),
        h('td', {}, h('time', { datetime: d.createdAt, title: formatDateTime(d.createdAt) }, relativeTime(d.createdAt))),
        h('td', {}, contributor && d.name !== endpoint.defaultDeployment ? [
          h('button', { type: 'button', class: 'button small', onclick: act(() => setDefaultBatchDeployment(name, d.name)) }, 'Make default'), ' ',
        ] : null, contributor ? h('button', { type: 'button', class: 'button small danger',
          onclick: act(() => deleteBatchDeployment(name, d.name)) }, 'Delete') : null,
        contributor ? changeForm(d) : null))))));
  }

  /** Changes a deployment's version (of its model) and instance count; later invocations run what it has then. */
  function changeForm(d) {
    const errors = new FieldErrors();
    const base = `batch-change-${d.name}`;
    const versionInput = h('input', { id: `${base}-version`, type: 'number', inputmode: 'numeric', min: '1', step: '1',
      value: String(d.versionNumber) });
    const instancesInput = h('input', { id: `${base}-instances`, type: 'number', inputmode: 'numeric', min: '1', step: '1',
      value: String(d.instanceCount ?? 1) });
    const status = h('div', { role: 'status' });
    const form = h('form', { class: 'batch-change inline-form', novalidate: true },
      h('details', {}, h('summary', {}, 'Change'),
        h('div', { class: 'field-row' },
          h('div', { class: 'field' }, h('label', { for: `${base}-version` }, 'Version'), versionInput,
            errors.add('versionNumber', versionInput, `${base}-version`)),
          h('div', { class: 'field' }, h('label', { for: `${base}-instances` }, 'Instances'), instancesInput,
            errors.add('instanceCount', instancesInput, `${base}-instances`))),
        h('p', { class: 'hint' }, 'Invocations already submitted keep what they had.'),
        h('button', { type: 'submit', class: 'button small' }, 'Save'), status));
    form.addEventListener('submit', async event => {
      event.preventDefault();
      try {
        await updateBatchDeployment(name, d.name, { versionNumber: numberValue(versionInput),
          instanceCount: numberValue(instancesInput) });
        load();
      } catch (error) {
        const left = errors.show(error.errors ?? []);
        replaceChildren(status, left.length || !error.errors?.length ? problemView(error) : null);
      }
    });
    return form;
  }

  function addDeploymentForm(registry) {
    const errors = new FieldErrors();
    const nameInput = h('input', { id: 'batch-add-name', type: 'text', autocomplete: 'off', maxlength: '32' });
    const modelSelect = h('select', { id: 'batch-add-model' }, h('option', { value: '' }, 'Choose a model…'));
    const versionInput = h('input', { id: 'batch-add-version', type: 'text', inputmode: 'numeric', placeholder: 'newest' });
    const instances = registry.batchScoreSettings.find(s => s.name === 'instanceCount');
    const instancesInput = h('input', { id: 'batch-add-instances', type: 'number', inputmode: 'numeric',
      ...(instances ? settingInput(instances) : { value: '1', min: '1', step: '1' }) });
    listModels({ limit: 100 }).then(models => {
      for (const m of (models?.items ?? []).filter(m => registry.runs(m.task, 'predict'))) {
        modelSelect.append(h('option', { value: m.id }, `${m.name} (${m.task})`));
      }
    });
    const status = h('div', { role: 'status' });
    const form = h('form', { id: 'batch-add-deployment', class: 'inline-form', novalidate: true },
      h('details', {}, h('summary', {}, 'Add a deployment'),
        h('div', { class: 'field-row' },
          h('div', { class: 'field' }, h('label', { for: 'batch-add-name' }, 'Name'), nameInput, errors.add('name', nameInput, 'batch-add-name')),
          h('div', { class: 'field' }, h('label', { for: 'batch-add-model' }, 'Model'), modelSelect, errors.add('modelId', modelSelect, 'batch-add-model')),
          h('div', { class: 'field' }, h('label', { for: 'batch-add-version' }, 'Version'), versionInput,
            errors.add('versionNumber', versionInput, 'batch-add-version')),
          h('div', { class: 'field' }, h('label', { for: 'batch-add-instances' }, 'Instances'), instancesInput,
            h('p', { class: 'hint' }, 'Runners that score each invocation\'s mini-batches at once.'),
            errors.add('instanceCount', instancesInput, 'batch-add-instances'))),
        h('button', { type: 'submit', class: 'button', id: 'batch-add-submit' }, 'Add'), status));
    form.addEventListener('submit', async event => {
      event.preventDefault();
      try {
        await createBatchDeployment(name, { name: nameInput.value.trim(), modelId: modelSelect.value || null,
          versionNumber: numberValue(versionInput), instanceCount: numberValue(instancesInput) });
        load();
      } catch (error) {
        const left = errors.show(error.errors ?? []);
        replaceChildren(status, left.length || !error.errors?.length ? problemView(error) : null);
      }
    });
    return form;
  }

  /** Shows the jobs, asking again every 2 seconds while one is queued or running. */
  function watchJobs(box, contributor) {
    jobsPoll?.stop();
    jobsPoll = poll({
      fetch: () => listBatchJobs(name),
      onAnswer: answer => replaceChildren(box, jobsTable(answer?.items ?? [], contributor)),
      onError: error => replaceChildren(box, problemView(error)),
      until: answer => !(answer?.items ?? []).some(item => isActive(item.job)),
      intervalMs: REFRESH_MS,
      retryMs: REFRESH_MS * 2,
      element: box,
    });
  }

  load();
  return { unmount: () => { active = false; jobsPoll?.stop(); } };
}

/** Mini-batches done of all, and bad rows, from the job's progress or its result. */
export function miniBatchText(job) {
  const result = job.result ?? {};
  const detail = job.progressDetail ?? {};
  if (typeof result.miniBatches === 'number') {
    return `${result.miniBatches} of ${result.miniBatches} mini-batches · ${result.scored} of ${result.rows} rows scored`
      + (result.badRows ? ` · ${result.badRows} bad` : '');
  }
  if (typeof detail.miniBatches !== 'number') return job.state === 'queued' ? 'Waiting for a runner' : '';
  return `${detail.miniBatchesDone ?? 0} of ${detail.miniBatches} mini-batches`
    + (detail.runners > 1 ? ` on ${detail.runners} runners` : '') + (detail.badRows ? ` · ${detail.badRows} bad rows` : '');
}

function jobsTable(items, contributor) {
  if (items.length === 0) return h('p', { class: 'muted', id: 'batch-jobs-none' }, 'No jobs yet.');
  return h('div', { class: 'table-scroll' }, h('table', { id: 'batch-jobs' },
    h('thead', {}, h('tr', {}, ['Job', 'Deployment', 'State', 'Progress', 'Submitted', 'Outputs'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, items.map(({ deployment, job, outputs }) => h('tr', { dataset: { job: job.id } },
      h('th', { scope: 'row' }, h('a', { href: `#/jobs/${encodeURIComponent(job.id)}`, class: 'batch-job-link' }, job.id.slice(0, 8))),
      h('td', {}, deployment),
      h('td', {}, jobStateBadge(job), job.error ? h('div', { class: 'field-error small' }, job.error) : null),
      h('td', {}, progressBar(job, `Progress of job ${job.id.slice(0, 8)}`), h('div', { class: 'muted small batch-mini-batches' }, miniBatchText(job))),
      h('td', {}, h('time', { datetime: job.submittedAt, title: formatDateTime(job.submittedAt) }, relativeTime(job.submittedAt))),
      h('td', { class: 'batch-outputs' }, !outputs ? h('span', { class: 'muted' }, '—')
        : !contributor ? h('span', { class: 'muted' }, 'Contributors download')
          : Object.entries(outputs).map(([file, path]) => h('a', { href: path.replace(/^\//, ''), download: file,
            class: 'button small', dataset: { file } }, file))))))));
}

function backLink() {
  return h('p', { class: 'breadcrumb' }, h('a', { href: '#/batch-endpoints' }, '← Batch endpoints'));
}
