// The catalog-service REST API (/api/v1). Failures become ApiError carrying the RFC 9457 problem body.

/** An API failure: status, title, detail and field errors as the problem details gave them. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.title = problem?.title || (status ? `Request failed (HTTP ${status})` : 'Cannot reach the catalog service');
    this.detail = problem?.detail || '';
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
  }
}

// Relative to the page, so the UI also works behind a proxy under a sub-path.
const BASE = 'api/v1';

// The session's CSRF token, sent with every change (the session cookie itself is HttpOnly).
let csrfToken = null;
let onUnauthenticated = () => {};

/** Sets the CSRF token that changing requests carry (from the sign-in or GET /auth/session). */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** Calls `handler(error)` whenever the service answers 401 (the session ended): the app shows the sign-in. */
export function whenUnauthenticated(handler) {
  onUnauthenticated = handler;
}

function headers(method, contentType) {
  const result = { Accept: 'application/json' };
  if (contentType) result['Content-Type'] = contentType;
  if (csrfToken && !['GET', 'HEAD'].includes(method)) result['X-CSRF-Token'] = csrfToken;
  return result;
}

/** Sends a request; `raw` is a body sent as it is (a file) with its own content type. */
async function send(method, path, { json, raw, contentType, quiet401 = false } = {}) {
  let response;
  try {
    response = await fetch(`${BASE}${path}`, {
      method,
      headers: headers(method, json !== undefined ? 'application/json' : contentType),
      body: json !== undefined ? JSON.stringify(json) : raw,
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new ApiError(0, { title: 'Cannot reach the catalog service', detail: e.message });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data ?? { detail: text.slice(0, 500) });
    if (response.status === 401 && !quiet401) onUnauthenticated(error);
    throw error;
  }
  return data;
}

function request(method, path, body) {
  return send(method, path, { json: body });
}

/** Query parameters from an object of strings and arrays (repeated parameters); empty values are left out. */
function queryString(query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined && one !== null && one !== '') params.append(name, String(one));
    }
  }
  return params.toString();
}

/**
 * Lists model cards. `query` holds arrays for task, finetuningTask and license, and strings for
 * q, sort, limit and cursor; empty values are left out.
 */
export function listModels(query) {
  return request('GET', `/models?${queryString(query)}`);
}

export function getModel(id) {
  return request('GET', `/models/${encodeURIComponent(id)}`);
}

export function listVersions(id) {
  return request('GET', `/models/${encodeURIComponent(id)}/versions`);
}

/** The Python lines that load the model through the Hub API: { repoId, versionNumber, library, python }. */
export function modelPython(id) {
  return request('GET', `/models/${encodeURIComponent(id)}/python`);
}

/** Queues the import of a Hugging Face model: { modelId: 'org/name', revision? }; answers the job. */
export function submitImport(body) {
  return request('POST', '/imports', body);
}

/** Lists jobs, newest first: `query` holds arrays for state and kind, and strings for modelId, limit and cursor. */
export function listJobs(query) {
  return request('GET', `/jobs?${queryString(query)}`);
}

export function getJob(id) {
  return request('GET', `/jobs/${encodeURIComponent(id)}`);
}

export function cancelJob(id) {
  return request('POST', `/jobs/${encodeURIComponent(id)}/cancel`);
}

export function jobLogs(id, after = 0) {
  return request('GET', `/jobs/${encodeURIComponent(id)}/logs?after=${encodeURIComponent(after)}`);
}

/** The Server-Sent Events address of a job: events 'job', 'log' and 'end'. */
export function jobEventsUrl(id) {
  return `${BASE}/jobs/${encodeURIComponent(id)}/events`;
}

export function listWorkers() {
  return request('GET', '/workers');
}

/** Lists datasets, newest first: { items, nextCursor }. */
export function listDatasets(limit = 100) {
  return request('GET', `/datasets?limit=${encodeURIComponent(limit)}`);
}

export function previewDataset(id) {
  return request('GET', `/datasets/${encodeURIComponent(id)}/preview`);
}

/** Checks a column mapping for a task: { task, mapping }; 400 with one error per bad input. */
export function checkMapping(id, body) {
  return request('POST', `/datasets/${encodeURIComponent(id)}/mapping-check`, body);
}

const DATASET_TYPES = { csv: 'text/csv', tsv: 'text/tab-separated-values', tab: 'text/tab-separated-values',
  jsonl: 'application/x-ndjson', ndjson: 'application/x-ndjson', json: 'application/json' };

/** The media type of a dataset file by its extension, or null when the catalog would not know it. */
export function datasetContentType(fileName) {
  const extension = /\.([^.]+)$/.exec(fileName ?? '')?.[1]?.toLowerCase();
  return DATASET_TYPES[extension] ?? null;
}

/** Uploads a dataset file as the raw body, its Content-Type by extension; answers the dataset. */
export function uploadDataset(name, file) {
  return send('POST', `/datasets?name=${encodeURIComponent(name)}`,
    { raw: file, contentType: datasetContentType(file.name) ?? 'application/octet-stream' });
}

/** The Content-Type of a model archive by its name's extension, or null when it is neither a zip nor a tar(.gz). */
export function modelArchiveType(fileName) {
  const name = fileName.toLowerCase();
  if (name.endsWith('.zip')) return 'application/zip';
  if (name.endsWith('.tar.gz') || name.endsWith('.tgz')) return 'application/gzip';
  if (name.endsWith('.tar')) return 'application/x-tar';
  return null;
}

/**
 * Uploads a model archive (.zip or .tar.gz of a model folder) as `name` ('owner/name'), reporting the bytes sent to
 * `onProgress(sent, total)`. Answers { done, abort } as sendFile does.
 */
export function uploadModel(name, file, onProgress) {
  return sendFile(`/model-uploads?name=${encodeURIComponent(name)}`, file,
    modelArchiveType(file.name) ?? 'application/octet-stream', onProgress);
}

/** Imports a catalog archive exported by another ModelCat; answers { done, abort } as sendFile does. */
export function importCatalog(file, onProgress) {
  return sendFile('/catalog/imports', file, 'application/zip', onProgress);
}

/** The address of a catalog archive of the models (ids, or 'id:versionNumber' for one version) for another site. */
export function catalogExportUrl(selection) {
  return `${BASE}/catalog/export?${selection.map(item => `model=${encodeURIComponent(item)}`).join('&')}`;
}

/**
 * POSTs a file as the body, reporting the bytes sent to `onProgress(sent, total)`. Answers { done, abort }: `done`
 * resolves to the answer or rejects with an ApiError; `abort()` cancels it (the service then keeps nothing).
 * XMLHttpRequest, since fetch tells no upload progress.
 */
function sendFile(path, file, contentType, onProgress) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open('POST', `${BASE}${path}`);
    for (const [header, value] of Object.entries(headers('POST', contentType))) {
      xhr.setRequestHeader(header, value);
    }
    xhr.upload.onprogress = event => onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      let data = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data);
        return;
      }
      const error = new ApiError(xhr.status, data ?? { detail: xhr.responseText.slice(0, 500) });
      if (xhr.status === 401) onUnauthenticated(error);
      reject(error);
    };
    xhr.onerror = () => reject(new ApiError(0, { title: 'Cannot reach the catalog service', detail: 'the upload failed' }));
    xhr.onabort = () => reject(new ApiError(0, { title: 'Upload cancelled', detail: 'Nothing was kept.' }));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/** Queues an evaluation; answers the job. */
export function submitEvaluation(body) {
  return request('POST', '/evaluations', body);
}

/** Queues a fine-tuning; answers the job. */
export function submitFinetune(body) {
  return request('POST', '/finetunes', body);
}

/** A job's metrics: { final: [...], series: [...] }. */
export function jobMetrics(id) {
  return request('GET', `/jobs/${encodeURIComponent(id)}/metrics`);
}

/** A job's sample predictions: [{ rowIndex, input, expected, predicted }]. */
export function jobPredictions(id) {
  return request('GET', `/jobs/${encodeURIComponent(id)}/predictions`);
}

/** The address of a job's sample predictions as CSV. */
export function jobPredictionsCsvUrl(id) {
  return `${BASE}/jobs/${encodeURIComponent(id)}/predictions?format=csv`;
}

/** Registers a succeeded fine-tuning as a model: { name, description?, license? }; answers the card. */
export function registerJob(id, body) {
  return request('POST', `/jobs/${encodeURIComponent(id)}/register`, body);
}

/** The final test metrics of every job on a model's versions. */
export function modelMetrics(id) {
  return request('GET', `/models/${encodeURIComponent(id)}/metrics`);
}

/** The address of a version's zip in Hugging Face layout. */
export function versionArchiveUrl(id, versionNumber) {
  return `${BASE}/models/${encodeURIComponent(id)}/versions/${encodeURIComponent(versionNumber)}/archive`;
}

/** The leaderboard: { datasetId, task, metric, limit? }. */
export function leaderboard(query) {
  return request('GET', `/leaderboard?${queryString(query)}`);
}

export function getDataset(id) {
  return request('GET', `/datasets/${encodeURIComponent(id)}`);
}

/** The task registry: { tasks, hyperparameters, evaluationSettings, trainingSeries } (read it through tasks.js). */
export function getTaskRegistry() {
  return request('GET', '/tasks');
}

/** Sample inference ("try it"): one input through the model on a runner; answers the finished predict job. */
export function predict(id, body) {
  return request('POST', `/models/${encodeURIComponent(id)}/predict`, body);
}

// Access: the session, accounts, API tokens, runner tokens, secrets and the audit log.

/** Signs in; answers the session ({ user, csrfToken, expiresAt }) and sets the session cookie. */
export function signIn(username, password) {
  return send('POST', '/auth/login', { json: { username, password }, quiet401: true });
}

export function signOut() {
  return request('POST', '/auth/logout');
}

/** Who is signed in: { user, method, csrfToken, expiresAt }; 401 when nobody is (without the sign-in prompt). */
export function currentSession() {
  return send('GET', '/auth/session', { quiet401: true });
}

export function changePassword(currentPassword, newPassword) {
  return request('POST', '/auth/password', { currentPassword, newPassword });
}

export function listTokens() {
  return request('GET', '/tokens');
}

/** Creates a personal API token: { name, expiresInDays? }; answers { token, value } (the value only now). */
export function createToken(body) {
  return request('POST', '/tokens', body);
}

export function revokeToken(id) {
  return request('DELETE', `/tokens/${encodeURIComponent(id)}`);
}

export function listUsers() {
  return request('GET', '/users');
}

export function createUser(body) {
  return request('POST', '/users', body);
}

/** Changes an account: { displayName?, role?, disabled?, password? }. */
export function updateUser(id, body) {
  return request('PATCH', `/users/${encodeURIComponent(id)}`, body);
}

export function listUserTokens(id) {
  return request('GET', `/users/${encodeURIComponent(id)}/tokens`);
}

export function createUserToken(id, body) {
  return request('POST', `/users/${encodeURIComponent(id)}/tokens`, body);
}

export function listRunnerTokens() {
  return request('GET', '/runner-tokens');
}

/** Issues a runner token: { name, expiresInDays? }; answers { token, value } (the value only now). */
export function createRunnerToken(body) {
  return request('POST', '/runner-tokens', body);
}

export function revokeRunnerToken(id) {
  return request('DELETE', `/runner-tokens/${encodeURIComponent(id)}`);
}

/** The stored secrets (never their values) and whether secrets can be stored: { encryptionConfigured, items }. */
export function listSecrets() {
  return request('GET', '/secrets');
}

export function setSecret(name, value) {
  return request('PUT', `/secrets/${encodeURIComponent(name)}`, { value });
}

export function deleteSecret(name) {
  return request('DELETE', `/secrets/${encodeURIComponent(name)}`);
}

/** Audit records, newest first: `query` holds actor, action, outcome, limit and cursor. */
export function auditLog(query) {
  return request('GET', `/audit?${queryString(query)}`);
}

// Online endpoints and their deployments (docs/deployments.md).

/** The endpoints with their deployments: { items }. */
export function listEndpoints() {
  return request('GET', '/endpoints');
}

export function getEndpoint(name) {
  return request('GET', `/endpoints/${encodeURIComponent(name)}`);
}

/** Creates an endpoint: { name, description?, authMode }; answers { endpoint, keys } (keys in key mode, maybe only now). */
export function createEndpoint(body) {
  return request('POST', '/endpoints', body);
}

export function deleteEndpoint(name) {
  return request('DELETE', `/endpoints/${encodeURIComponent(name)}`);
}

/** The endpoint's keys: { primaryKey, secondaryKey }; 409 when they cannot be shown again. */
export function endpointKeys(name) {
  return request('GET', `/endpoints/${encodeURIComponent(name)}/keys`);
}

/** Makes a key ('primary' or 'secondary') anew; answers the keys, the other one null when it cannot be shown. */
export function regenerateEndpointKey(name, keyType) {
  return request('POST', `/endpoints/${encodeURIComponent(name)}/keys/regenerate`, { keyType });
}

/** Sets the traffic map { deployment: percent }; answers the endpoint. */
export function setEndpointTraffic(name, traffic) {
  return request('PUT', `/endpoints/${encodeURIComponent(name)}/traffic`, { traffic });
}

/** Mirrors a share (0 to 50%) of the calls to one deployment: { deployment: percent }, {} to stop; answers the endpoint. */
export function setEndpointMirror(name, mirror) {
  return request('PUT', `/endpoints/${encodeURIComponent(name)}/mirror`, { mirror });
}

/**
 * What each deployment answered over the last `minutes` (1 to 1440): { endpoint, minutes, deployments: [{ name,
 * requests, requestsPerSecond, errors, throttled, mirrored, p50Ms, p99Ms, series: [{ minute, requests, ... }] }] }.
 */
export function endpointMetrics(name, minutes) {
  return request('GET', `/endpoints/${encodeURIComponent(name)}/metrics?minutes=${encodeURIComponent(minutes)}`);
}

/** A deployment's log, oldest first: the newest lines, or those after the line id `after`; { lines, lastId }. */
export function deploymentLogs(endpoint, deployment, after) {
  const query = after === undefined || after === null ? '' : `?after=${encodeURIComponent(after)}`;
  return request('GET', `/endpoints/${encodeURIComponent(endpoint)}/deployments/${encodeURIComponent(deployment)}/logs${query}`);
}

/**
 * Deploys a model version in an endpoint: { name, modelId, versionNumber?, instanceCount?, device?, ... }; or a saved
 * prompt flow: { name, flow, variants?, maxConcurrentRequestsPerInstance?, requestTimeoutMs? }.
 */
export function createDeployment(endpoint, body) {
  return request('POST', `/endpoints/${encodeURIComponent(endpoint)}/deployments`, body);
}

/**
 * Changes a deployment: { versionNumber?, instanceCount?, maxConcurrentRequestsPerInstance?, requestTimeoutMs? }, a flow
 * deployment's { redeployFlow?, variants? }; answers it.
 */
export function updateDeployment(endpoint, deployment, body) {
  return request('PATCH', `/endpoints/${encodeURIComponent(endpoint)}/deployments/${encodeURIComponent(deployment)}`, body);
}

export function deleteDeployment(endpoint, deployment) {
  return request('DELETE', `/endpoints/${encodeURIComponent(endpoint)}/deployments/${encodeURIComponent(deployment)}`);
}

/** The header that pins a deployment in a scoring call, and names the one that answered. */
export const DEPLOYMENT_HEADER = 'azureml-model-deployment';

/**
 * Calls an endpoint's scoring URL as an application does: `body` as it is (JSON text), the key or personal
 * token as a bearer credential, and not the session's cookie, so the call proves what the credential
 * alone can do. Answers { status, statusText, deployment, text, json } for any HTTP answer, failures too.
 */
export async function scoreEndpoint(name, body, { credential, deployment } = {}) {
  const requestHeaders = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (credential) requestHeaders.Authorization = `Bearer ${credential}`;
  if (deployment) requestHeaders[DEPLOYMENT_HEADER] = deployment;
  let response;
  try {
    // Relative to the page like the API, so it works behind a proxy too.
    response = await fetch(`endpoints/${encodeURIComponent(name)}/score`,
      { method: 'POST', headers: requestHeaders, body, credentials: 'omit' });
  } catch (e) {
    throw new ApiError(0, { title: 'Cannot reach the catalog service', detail: e.message });
  }
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, statusText: response.statusText, deployment: response.headers.get(DEPLOYMENT_HEADER),
    text, json };
}

// Batch endpoints: scoring datasets with catalog models as jobs (docs/deployments.md, "Batch endpoints").

/** The batch endpoints with their deployments: { items }. */
export function listBatchEndpoints() {
  return request('GET', '/batch-endpoints');
}

export function getBatchEndpoint(name) {
  return request('GET', `/batch-endpoints/${encodeURIComponent(name)}`);
}

/** Creates a batch endpoint: { name, description? }; answers it. */
export function createBatchEndpoint(body) {
  return request('POST', '/batch-endpoints', body);
}

export function deleteBatchEndpoint(name) {
  return request('DELETE', `/batch-endpoints/${encodeURIComponent(name)}`);
}

/** Adds a deployment: { name, modelId, versionNumber? }; the first becomes the default. */
export function createBatchDeployment(endpoint, body) {
  return request('POST', `/batch-endpoints/${encodeURIComponent(endpoint)}/deployments`, body);
}

export function deleteBatchDeployment(endpoint, deployment) {
  return request('DELETE', `/batch-endpoints/${encodeURIComponent(endpoint)}/deployments/${encodeURIComponent(deployment)}`);
}

/** Changes a deployment: { versionNumber?, instanceCount? }; answers the deployment. */
export function updateBatchDeployment(endpoint, deployment, body) {
  return request('PATCH', `/batch-endpoints/${encodeURIComponent(endpoint)}/deployments/${encodeURIComponent(deployment)}`, body);
}

/** Makes `deployment` the one invocations run when they name none; answers the endpoint. */
export function setDefaultBatchDeployment(endpoint, deployment) {
  return request('PUT', `/batch-endpoints/${encodeURIComponent(endpoint)}/default-deployment`, { deployment });
}

/** Invokes: { datasetId, deployment?, inputColumns?, miniBatchSize?, errorThreshold?, maxRetries?, instanceCount?, outputFileName? }; answers { deployment, job }. */
export function invokeBatchEndpoint(endpoint, body) {
  return request('POST', `/batch-endpoints/${encodeURIComponent(endpoint)}/jobs`, body);
}

/** The endpoint's invocations, newest first: { items: [{ deployment, job, outputs }] }. */
export function listBatchJobs(endpoint) {
  return request('GET', `/batch-endpoints/${encodeURIComponent(endpoint)}/jobs`);
}

/** LLM connections (docs/llm.md): keys are never returned, only `apiKeySet`. */
export function listLlmConnections() {
  return request('GET', '/llm/connections');
}

export function createLlmConnection(body) {
  return request('POST', '/llm/connections', body);
}

/** Asks the provider for its models: `{ ok, providerStatus, message, models }`. */
export function testLlmConnection(name) {
  return request('POST', `/llm/connections/${encodeURIComponent(name)}/test`, {});
}

export function deleteLlmConnection(name) {
  return request('DELETE', `/llm/connections/${encodeURIComponent(name)}`);
}

// Prompt flows and bulk tests (docs/flows.md).

/** The models the LLM mesh offers: OpenAI's list, `{ data: [{ id: '<connection>/<model>' }] }` (contributors). */
/** The evaluation methods of bulk tests and the LLM judge's aspects with their default rubrics. */
export function getEvaluationMethods() {
  return request('GET', '/evaluation-methods');
}

export function listMeshModels() {
  return request('GET', '/llm/v1/models');
}

/** The saved flows: { items }. */
export function listFlows() {
  return request('GET', '/flows');
}

export function getFlow(name) {
  return request('GET', `/flows/${encodeURIComponent(name)}`);
}

/** Saves a new flow: { name, description?, inputs, steps }; answers it. */
export function createFlow(body) {
  return request('POST', '/flows', body);
}

/** Replaces a flow's definition (its name stays); answers it. */
export function updateFlow(name, body) {
  return request('PUT', `/flows/${encodeURIComponent(name)}`, body);
}

export function deleteFlow(name) {
  return request('DELETE', `/flows/${encodeURIComponent(name)}`);
}

/** Runs one row now: { inputs, variants }; answers { outputs, steps, error, failedStep, … }. */
export function runFlowRow(name, body) {
  return request('POST', `/flows/${encodeURIComponent(name)}/run`, body);
}

/** Asks for a bulk test: { flow, datasetId, inputColumns, variantStep?, variants?, concurrency?, errorThreshold?, evaluations }. */
export function createBulkTest(body) {
  return request('POST', '/bulk-tests', body);
}

/** The newest bulk tests, of one flow when `flow` is given: { items }. */
export function listBulkTests(flow) {
  return request('GET', `/bulk-tests?${queryString({ flow })}`);
}

export function getBulkTest(id) {
  return request('GET', `/bulk-tests/${encodeURIComponent(id)}`);
}

/** A page of a bulk test's rows: `query` holds variant, offset and limit. */
export function bulkTestRows(id, query) {
  return request('GET', `/bulk-tests/${encodeURIComponent(id)}/rows?${queryString(query)}`);
}

/** Where a bulk test's rows download as CSV (relative to the page, like the API). */
export function bulkTestCsvUrl(id) {
  return `${BASE}/bulk-tests/${encodeURIComponent(id)}/rows.csv`;
}

/** Applies evaluation methods again, as a new job of the test; answers the test. */
export function evaluateBulkTest(id, evaluations) {
  return request('POST', `/bulk-tests/${encodeURIComponent(id)}/evaluations`, { evaluations });
}

export function deleteBulkTest(id) {
  return request('DELETE', `/bulk-tests/${encodeURIComponent(id)}`);
}
