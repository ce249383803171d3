// The Admin page's LLM connections: list, create (an OpenAI-compatible server or one of ModelCat's own
// endpoints), test and delete. Keys go in once and are never shown again (docs/llm.md).
import { createLlmConnection, deleteLlmConnection, listLlmConnections, testLlmConnection } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';

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
      h('thead', {}, h('tr', {}, ['Name', 'Kind', 'Calls', 'Models', 'Key', 'At once', '', 'Test']
        .map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map(connectionRow))));
  }

  function connectionRow(c) {
    const result = h('td', { class: 'llm-test-result' });
    return h('tr', { dataset: { name: c.name } },
      h('td', {}, c.name),
      h('td', {}, c.kind),
      h('td', {}, h('code', {}, c.kind === 'modelcat' ? `endpoint ${c.endpoint}` : c.baseUrl)),
      h('td', {}, c.allowedModels.join(', ')),
      h('td', {}, c.apiKeySet ? 'set' : 'none'),
      h('td', {}, String(c.maxConcurrent)),
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

  const name = h('input', { id: 'llm-name', type: 'text', maxlength: '63', autocomplete: 'off', placeholder: 'vllm' });
  const kind = h('select', { id: 'llm-kind' },
    ['openai-compatible', 'modelcat'].map(k => h('option', { value: k }, k)));
  const baseUrl = h('input', { id: 'llm-base-url', type: 'url', autocomplete: 'off', placeholder: 'https://host/v1' });
  const endpoint = h('input', { id: 'llm-endpoint', type: 'text', autocomplete: 'off', placeholder: 'an online endpoint' });
  const apiKey = h('input', { id: 'llm-api-key', type: 'password', autocomplete: 'off' });
  const models = h('input', { id: 'llm-models', type: 'text', autocomplete: 'off', placeholder: 'model-a, model-b' });
  const maxConcurrent = h('input', { id: 'llm-max-concurrent', type: 'number', min: '1', max: '1024', value: '8' });
  const message = h('div', { id: 'llm-message' });
  const form = h('form', { id: 'llm-form', novalidate: true, class: 'field-row' },
    h('div', { class: 'field' }, h('label', { for: 'llm-name' }, 'Name'), name),
    h('div', { class: 'field' }, h('label', { for: 'llm-kind' }, 'Kind'), kind),
    h('div', { class: 'field' }, h('label', { for: 'llm-base-url' }, 'Base URL'), baseUrl),
    h('div', { class: 'field' }, h('label', { for: 'llm-endpoint' }, 'Endpoint (modelcat)'), endpoint),
    h('div', { class: 'field' }, h('label', { for: 'llm-api-key' }, 'API key'), apiKey),
    h('div', { class: 'field' }, h('label', { for: 'llm-models' }, 'Allowed models'), models),
    h('div', { class: 'field' }, h('label', { for: 'llm-max-concurrent' }, 'Calls at once'), maxConcurrent),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button primary', id: 'llm-create' }, 'Create connection')),
    message);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    replaceChildren(message);
    const modelcat = kind.value === 'modelcat';
    try {
      const created = await createLlmConnection({
        name: name.value.trim(), kind: kind.value,
        baseUrl: modelcat ? undefined : baseUrl.value.trim() || undefined,
        endpoint: modelcat ? endpoint.value.trim() || undefined : undefined,
        apiKey: apiKey.value || undefined,
        allowedModels: models.value.split(',').map(m => m.trim()).filter(m => m),
        maxConcurrent: maxConcurrent.value ? Number(maxConcurrent.value) : undefined,
      });
      replaceChildren(message, h('p', { class: 'success small', id: 'llm-created' }, `Created ${created.name}.`));
      name.value = '';
      apiKey.value = '';
      await load();
    } catch (error) {
      replaceChildren(message, problemView(error));
    }
  });

  const element = h('div', {},
    h('p', { class: 'muted' }, 'Hosted LLM APIs and ModelCat’s own endpoints, called by contributors through the '
      + 'OpenAI-compatible API at ', h('code', {}, '/api/v1/llm/v1'), ' with their own API tokens. Keys are stored '
      + 'encrypted and never shown again.'),
    form, box);
  return { element, load };
}
