// The Admin page's LLM connections: list, create (a hosted provider of one of the kinds, an OpenAI-compatible
// server or one of ModelCat's own endpoints), test and delete. Keys go in once and are never shown again (docs/llm.md).
import { createLlmConnection, deleteLlmConnection, listLlmConnections, testLlmConnection } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';

// Each kind: where its base URL points (and whether it has a default), and which fields it takes (docs/llm.md).
const KINDS = {
  'openai-compatible': { baseUrl: 'https://host/v1 (required)' },
  openai: { baseUrl: 'https://api.openai.com/v1 (default)' },
  'azure-openai': { baseUrl: 'https://<resource>.openai.azure.com (required)', apiVersion: true,
    models: 'deployment names' },
  anthropic: { baseUrl: 'https://api.anthropic.com/v1 (default)' },
  mistral: { baseUrl: 'https://api.mistral.ai/v1 (default)' },
  gemini: { baseUrl: 'https://generativelanguage.googleapis.com/v1beta (default)' },
  bedrock: { baseUrl: 'https://bedrock-runtime.<region>.amazonaws.com (default)', aws: true,
    key: 'Secret access key', models: 'model ids, e.g. anthropic.claude-3-5-haiku-20241022-v1:0' },
  vertex: { baseUrl: 'https://<location>-aiplatform.googleapis.com (default)', gcp: true,
    key: 'Service account key (JSON)', models: 'Gemini models, e.g. gemini-2.5-flash' },
  cohere: { baseUrl: 'https://api.cohere.com (default)' },
  modelcat: { endpoint: true, models: 'deployment names' },
};

/** The section's content; `isActive()` tells whether the page is still shown. Returns { element, load }. */
export function llmConnectionsSection(isActive) {
  const box = h('div', { id: 'llm-connections-box' }, h('p', { class: 'loading' }, 'Loading connections…'));

  async function load() {
    try {
      const answer = await listLlmConnections();
      if (isActive()) replaceChildren(box, connectionsTable(answer.items));
    } catch (error) {
      if (isActive()) replaceChildren(box, problemView(error, load));
    }
  }

  function connectionsTable(items) {
    if (!items.length) return h('p', { class: 'muted', id: 'llm-connections-empty' }, 'No connections yet.');
    return h('div', { class: 'table-scroll' }, h('table', { id: 'llm-connections' },
      h('thead', {}, h('tr', {}, ['Name', 'Kind', 'Calls', 'Models', 'Key', 'At once', 'A minute', '', 'Test']
        .map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map(connectionRow))));
  }

  function connectionRow(c) {
    const result = h('td', { class: 'llm-test-result' });
    return h('tr', { dataset: { name: c.name } },
      h('td', {}, c.name),
      h('td', {}, c.kind),
      h('td', {}, h('code', {}, target(c))),
      h('td', {}, c.allowedModels.map(m => c.prices && c.prices[m]
        ? `${m} ($${c.prices[m].inputPerMillion} / $${c.prices[m].outputPerMillion} per 1M)` : m).join(', ')),
      h('td', {}, c.apiKeySet ? 'set' : 'none'),
      h('td', {}, String(c.maxConcurrent)),
      h('td', {}, c.requestsPerMinute ? String(c.requestsPerMinute) : 'no limit'),
      h('td', {},
        h('button', { type: 'button', class: 'button', onclick: async () => {
          replaceChildren(result, 'Testing…');
          try {
            const t = await testLlmConnection(c.name);
            replaceChildren(result, h('span', { class: t.ok ? 'success small' : 'problem small' },
              t.ok ? `OK: ${t.models.length} models` : `Failed: ${t.message}`));
          } catch (error) {
            replaceChildren(result, problemView(error));
          }
        } }, 'Test'),
        ' ',
        h('button', { type: 'button', class: 'button danger', onclick: async () => {
          try {
            await deleteLlmConnection(c.name);
            await load();
          } catch (error) {
            replaceChildren(result, problemView(error));
          }
        } }, 'Delete')),
      result);
  }

  // Where a connection's calls go, with what places them: Azure's api-version, AWS's region, Google's project.
  function target(c) {
    if (c.kind === 'modelcat') return `endpoint ${c.endpoint}`;
    if (c.apiVersion) return `${c.baseUrl} (api-version ${c.apiVersion})`;
    if (c.region) return `${c.baseUrl} (${c.region}, ${c.accessKeyId})`;
    if (c.project) return `${c.baseUrl} (${c.project}, ${c.location})`;
    return c.baseUrl;
  }

  const name = h('input', { id: 'llm-name', type: 'text', maxlength: '63', autocomplete: 'off', placeholder: 'vllm' });
  const kind = h('select', { id: 'llm-kind' },
    Object.keys(KINDS).map(k => h('option', { value: k }, k)));
  const baseUrl = h('input', { id: 'llm-base-url', type: 'url', autocomplete: 'off', placeholder: 'https://host/v1' });
  const endpoint = h('input', { id: 'llm-endpoint', type: 'text', autocomplete: 'off', placeholder: 'an online endpoint' });
  const apiKey = h('input', { id: 'llm-api-key', type: 'password', autocomplete: 'off' });
  const apiKeyLabel = h('label', { for: 'llm-api-key', id: 'llm-api-key-label' }, 'API key');
  const region = h('input', { id: 'llm-region', type: 'text', autocomplete: 'off', placeholder: 'us-east-1' });
  const accessKeyId = h('input', { id: 'llm-access-key-id', type: 'text', autocomplete: 'off',
    placeholder: 'AKIA…' });
  const project = h('input', { id: 'llm-project', type: 'text', autocomplete: 'off', placeholder: 'my-project' });
  const location = h('input', { id: 'llm-location', type: 'text', autocomplete: 'off', placeholder: 'us-central1' });
  const models = h('input', { id: 'llm-models', type: 'text', autocomplete: 'off', placeholder: 'model-a, model-b' });
  const prices = h('input', { id: 'llm-prices', type: 'text', autocomplete: 'off',
    placeholder: 'model-a=2.5/10; model-b=0.15/0.6' });
  const apiVersion = h('input', { id: 'llm-api-version', type: 'text', autocomplete: 'off', placeholder: '2024-10-21' });
  const maxConcurrent = h('input', { id: 'llm-max-concurrent', type: 'number', min: '1', max: '1024', value: '8' });
  const requestsPerMinute = h('input', { id: 'llm-requests-per-minute', type: 'number', min: '1',
    placeholder: 'no limit' });
  const message = h('div', { id: 'llm-message' });
  const form = h('form', { id: 'llm-form', novalidate: true, class: 'field-row' },
    h('div', { class: 'field' }, h('label', { for: 'llm-name' }, 'Name'), name),
    h('div', { class: 'field' }, h('label', { for: 'llm-kind' }, 'Kind'), kind),
    h('div', { class: 'field' }, h('label', { for: 'llm-base-url' }, 'Base URL'), baseUrl),
    h('div', { class: 'field' }, h('label', { for: 'llm-endpoint' }, 'Endpoint (modelcat)'), endpoint),
    h('div', { class: 'field' }, h('label', { for: 'llm-api-version' }, 'API version (azure-openai)'), apiVersion),
    h('div', { class: 'field' }, h('label', { for: 'llm-region' }, 'Region (bedrock)'), region),
    h('div', { class: 'field' }, h('label', { for: 'llm-access-key-id' }, 'Access key id (bedrock)'), accessKeyId),
    h('div', { class: 'field' }, h('label', { for: 'llm-project' }, 'Project (vertex)'), project),
    h('div', { class: 'field' }, h('label', { for: 'llm-location' }, 'Location (vertex)'), location),
    h('div', { class: 'field' }, apiKeyLabel, apiKey),
    h('div', { class: 'field' }, h('label', { for: 'llm-models' }, 'Allowed models'), models),
    h('div', { class: 'field' }, h('label', { for: 'llm-prices' }, 'USD per 1M tokens in/out'), prices),
    h('div', { class: 'field' }, h('label', { for: 'llm-max-concurrent' }, 'Calls at once'), maxConcurrent),
    h('div', { class: 'field' }, h('label', { for: 'llm-requests-per-minute' }, 'Calls a minute'), requestsPerMinute),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button primary', id: 'llm-create' }, 'Create connection')),
    message);
  // Only the fields the chosen kind takes are enabled; the base URL says whether it has a default.
  function showKind() {
    const k = KINDS[kind.value];
    baseUrl.disabled = Boolean(k.endpoint);
    baseUrl.placeholder = k.baseUrl || '';
    endpoint.disabled = !k.endpoint;
    apiKey.disabled = Boolean(k.endpoint);
    apiVersion.disabled = !k.apiVersion;
    region.disabled = !k.aws;
    accessKeyId.disabled = !k.aws;
    project.disabled = !k.gcp;
    location.disabled = !k.gcp;
    replaceChildren(apiKeyLabel, k.key || 'API key');
    models.placeholder = k.models ? `${k.models}, comma-separated` : 'model-a, model-b';
  }
  kind.addEventListener('change', showKind);
  showKind();
  form.addEventListener('submit', async event => {
    event.preventDefault();
    replaceChildren(message);
    const k = KINDS[kind.value];
    try {
      const created = await createLlmConnection({
        name: name.value.trim(), kind: kind.value,
        baseUrl: k.endpoint ? undefined : baseUrl.value.trim() || undefined,
        endpoint: k.endpoint ? endpoint.value.trim() || undefined : undefined,
        apiVersion: k.apiVersion ? apiVersion.value.trim() || undefined : undefined,
        apiKey: k.endpoint ? undefined : apiKey.value || undefined,
        region: k.aws ? region.value.trim() || undefined : undefined,
        accessKeyId: k.aws ? accessKeyId.value.trim() || undefined : undefined,
        project: k.gcp ? project.value.trim() || undefined : undefined,
        location: k.gcp ? location.value.trim() || undefined : undefined,
        allowedModels: models.value.split(',').map(m => m.trim()).filter(m => m),
        maxConcurrent: maxConcurrent.value ? Number(maxConcurrent.value) : undefined,
        requestsPerMinute: requestsPerMinute.value ? Number(requestsPerMinute.value) : undefined,
        prices: priceTable(prices.value),
      });
      replaceChildren(message, h('p', { class: 'success small', id: 'llm-created' }, `Created ${created.name}.`));
      name.value = '';
      apiKey.value = '';
      prices.value = '';
      await load();
    } catch (error) {
      replaceChildren(message, problemView(error));
    }
  });

  // "model=2.5/10; other=1/2" as the API's price table; what does not parse is sent as it is, for the API to name.
  function priceTable(text) {
    const entries = text.split(';').map(e => e.trim()).filter(e => e);
    if (!entries.length) return undefined;
    const table = {};
    for (const entry of entries) {
      const at = entry.lastIndexOf('=');
      const [input, output] = entry.slice(at + 1).split('/').map(p => p.trim());
      const number = p => (p && !Number.isNaN(Number(p)) ? Number(p) : p);
      table[entry.slice(0, Math.max(at, 0)).trim()] = { inputPerMillion: number(input), outputPerMillion: number(output) };
    }
    return table;
  }

  const element = h('div', {},
    h('p', { class: 'muted' }, 'Hosted LLM APIs and ModelCat’s own endpoints, called by contributors through the '
      + 'OpenAI-compatible API at ', h('code', {}, '/api/v1/llm/v1'), ' with their own API tokens. Keys are stored '
      + 'encrypted and never shown again.'),
    form, box);
  return { element, load };
}
