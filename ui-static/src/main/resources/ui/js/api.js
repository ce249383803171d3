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

async function request(method, path, body) {
  let response;
  try {
    response = await fetch(`${BASE}${path}`, {
      method,
      headers: body === undefined ? { Accept: 'application/json' }
        : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
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
    throw new ApiError(response.status, data ?? { detail: text.slice(0, 500) });
  }
  return data;
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
export async function uploadDataset(name, file) {
  let response;
  try {
    response = await fetch(`${BASE}/datasets?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': datasetContentType(file.name) ?? 'application/octet-stream' },
      body: file,
    });
  } catch (e) {
    throw new ApiError(0, { title: 'Cannot reach the catalog service', detail: e.message });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data ?? { detail: text.slice(0, 500) });
  return data;
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

/** Sample inference ("try it"): one input through the model on a runner; answers the finished predict job. */
export function predict(id, body) {
  return request('POST', `/models/${encodeURIComponent(id)}/predict`, body);
}
