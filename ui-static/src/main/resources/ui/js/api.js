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
