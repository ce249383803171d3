// The endpoint page's Test and Consume tabs: a request sent from the browser to the scoring URL with a key or a
// personal token, its answer shown as text; and snippets to paste into an application.
import { scoreEndpoint } from './api.js';
import { copyButton } from './clipboard.js';
import { credentialVariable, exampleText, snippets } from './consume.js';
import { h, replaceChildren } from './dom.js';
import { servedDeployment } from './serving.js';

/** What of an endpoint a tab shows: it is laid out anew only when this changes, not on every refresh. */
function signature(endpoint) {
  return JSON.stringify([endpoint.authMode, endpoint.scoringUri, endpoint.keyScoringUri, endpoint.openaiBaseUrl, endpoint.traffic,
    endpoint.deployments.map(d => [d.name, d.task])]);
}

/** Mounts the Test tab into `panel`; `keys` are keys known already. Answers { update(endpoint), setKeys(keys) }. */
export function mountTestPanel(panel, first, { keys } = {}) {
  let endpoint = first;
  let shownSignature = null;
  let known = keys ?? {};
  let example = ''; // the example the editor was last filled with: replaced when untouched

  const tokenMode = first.authMode === 'token';
  const credential = h('input', { id: 'test-credential', type: 'password', autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'test-credential-hint test-credential-error' });
  const credentialError = h('p', { id: 'test-credential-error', class: 'field-error', hidden: true });
  const pick = h('select', { id: 'test-key-pick', 'aria-label': 'Use a key shown on this page' });
  const pickBox = h('div', { class: 'key-pick', hidden: true }, pick);
  pick.addEventListener('change', () => {
    const value = known[pick.value];
    if (value) credential.value = value;
    credentialError.hidden = true;
  });
  const deployment = h('select', { id: 'test-deployment', 'aria-describedby': 'test-deployment-hint' });
  deployment.addEventListener('change', () => fillExample(true));
  const body = h('textarea', { id: 'test-body', rows: '8', spellcheck: 'false', class: 'code-input',
    'aria-describedby': 'test-body-hint test-body-error' });
  const bodyHint = h('p', { id: 'test-body-hint', class: 'hint' });
  const bodyError = h('p', { id: 'test-body-error', class: 'field-error', hidden: true });
  const reset = h('button', { type: 'button', class: 'link-button', id: 'test-example', onclick: () => fillExample(false) },
    'Start again from the example');
  const send = h('button', { type: 'submit', class: 'button primary', id: 'test-send' }, 'Send');
  const result = h('div', { id: 'test-result', role: 'status', 'aria-live': 'polite' });

  /** The task of the deployment a call goes to: the pinned one, else the one with the most traffic. */
  function target() {
    return endpoint.deployments.find(d => d.name === deployment.value) ?? servedDeployment(endpoint);
  }

  /** Fills the editor with the target's example; `onlyIfUntouched` keeps what the reader wrote. */
  function fillExample(onlyIfUntouched) {
    const task = target()?.task;
    const next = exampleText(task, target());
    if (!onlyIfUntouched || body.value === example) body.value = next;
    example = next;
    bodyHint.textContent = task === 'prompt-flow' ? 'The flow\'s inputs; its outputs come back (docs/flows.md).'
      : task ? `An example for ${task}; docs/deployments.md lists every request shape.`
      : 'The endpoint has no deployment to answer yet.';
  }

  function showPicks() {
    const choices = [['primaryKey', 'Primary key'], ['secondaryKey', 'Secondary key']].filter(([k]) => known[k]);
    replaceChildren(pick, h('option', { value: '' }, 'Use a key shown on this page…'), choices.map(([k, label]) => h('option', { value: k }, label)));
    pickBox.hidden = tokenMode || choices.length === 0;
  }

  const form = h('form', { id: 'test-form', class: 'endpoint-test', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'test-credential' }, tokenMode ? 'Personal API token' : 'Key'),
      h('div', { class: 'credential-row' }, credential, pickBox),
      h('p', { id: 'test-credential-hint', class: 'hint' }, tokenMode
        ? ['This endpoint takes personal API tokens: paste one of yours (',
          h('code', {}, 'mc_pat_…'), '; make one on ', h('a', { href: '#/account' }, 'your account page'), ').']
        : 'Paste a key of this endpoint, or use one shown on this page (Keys tab).'),
      credentialError),
    h('div', { class: 'field' },
      h('label', { for: 'test-deployment' }, 'Deployment'), deployment,
      h('p', { id: 'test-deployment-hint', class: 'hint' },
        'As the traffic splits, or one deployment, pinned with the azureml-model-deployment header.')),
    h('div', { class: 'field' },
      h('label', { for: 'test-body' }, 'Request (JSON)'), body, bodyHint, bodyError, reset),
    h('div', { class: 'form-actions' }, send));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    bodyError.hidden = true;
    credentialError.hidden = true;
    try {
      JSON.parse(body.value);
    } catch (error) {
      bodyError.textContent = `This is not JSON: ${error.message}`;
      bodyError.hidden = false;
      body.focus();
      return;
    }
    if (!credential.value.trim()) {
      credentialError.textContent = tokenMode ? 'Paste a personal API token to call the endpoint.'
        : 'Paste a key, or pick one shown on this page, to call the endpoint.';
      credentialError.hidden = false;
      credential.focus();
      return;
    }
    send.disabled = true;
    replaceChildren(result, h('p', { class: 'loading' }, 'Calling the endpoint…'));
    const started = performance.now();
    try {
      const answer = await scoreEndpoint(endpoint.name, body.value,
        { credential: credential.value.trim(), deployment: deployment.value || undefined });
      showAnswer(answer, Math.round(performance.now() - started));
    } catch (error) {
      replaceChildren(result, h('p', { class: 'field-error' }, `${error.title}${error.detail ? `: ${error.detail}` : ''}`));
    } finally {
      send.disabled = false;
    }
  });

  function showAnswer(answer, millis) {
    const ok = answer.status >= 200 && answer.status < 300;
    const text = answer.json !== undefined ? JSON.stringify(answer.json, null, 2) : answer.text || '(no body)';
    replaceChildren(result, h('dl', { class: 'job-facts test-facts' },
      h('dt', {}, 'Status'), h('dd', {}, h('span', { id: 'test-status', class: `badge ${ok ? 'state-ready' : 'state-failed'}` },
        `${answer.status}${answer.statusText ? ` ${answer.statusText}` : ''}`)),
      h('dt', {}, 'Answered by'), h('dd', { id: 'test-answered' }, answer.deployment ?? '—'),
      h('dt', {}, 'Time'), h('dd', {}, `${millis} ms`)),
    h('pre', { id: 'test-answer', class: 'code-block', tabindex: '0', 'aria-label': 'The answer' }, text));
  }

  panel.append(h('p', { class: 'muted' }, 'Calls the scoring URI from this browser, as an application would: with the key or token '
    + 'below and not your session.'), form, result);

  function update(next) {
    endpoint = next;
    const now = signature(next);
    if (now === shownSignature) return;
    shownSignature = now;
    const chosen = deployment.value;
    replaceChildren(deployment, h('option', { value: '' }, 'As the traffic splits'),
      next.deployments.map(d => h('option', { value: d.name, selected: d.name === chosen }, `${d.name} (${d.task})`)));
    fillExample(true);
  }

  showPicks();
  update(first);
  return {
    update,
    setKeys(keysNow) {
      known = { ...known, ...Object.fromEntries(Object.entries(keysNow ?? {}).filter(([, v]) => v)) };
      showPicks();
    },
  };
}

/** Mounts the Consume tab into `panel`; answers { update(endpoint) }. */
export function mountConsumePanel(panel, first) {
  let shownSignature = null;

  function render(endpoint) {
    const served = servedDeployment(endpoint);
    const variable = credentialVariable(endpoint);
    const list = snippets(endpoint, served);
    replaceChildren(panel,
      h('p', {}, endpoint.authMode === 'token'
        ? ['Set ', h('code', {}, variable), ' to a personal API token (', h('a', { href: '#/account' }, 'your account page'), ').']
        : ['Set ', h('code', {}, variable), ' to a key of this endpoint (Keys tab).'],
      served ? ` The requests are shaped for ${served.task}, the task of ${served.name}.` : ''),
      h('dl', { class: 'job-facts' },
        h('dt', {}, 'Scoring URI'), h('dd', {}, h('code', { id: 'consume-scoring-uri' }, endpoint.scoringUri)),
        endpoint.keyScoringUri ? [h('dt', {}, 'Scoring URI, Azure’s form'), h('dd', {},
          h('code', { id: 'consume-key-scoring-uri' }, endpoint.keyScoringUri),
          h('span', { class: 'hint' }, ' the key names the endpoint; also /completions and /models/chat/completions'))] : null,
        h('dt', {}, 'OpenAI base URL'), h('dd', {}, h('code', { id: 'consume-openai-url' }, endpoint.openaiBaseUrl))),
      list.map(snippet => {
        const { button, copied } = copyButton(snippet.code, `the ${snippet.title} snippet`);
        return h('section', { class: 'snippet', id: `consume-${snippet.id}`, 'aria-labelledby': `consume-${snippet.id}-heading` },
          h('div', { class: 'section-head' }, h('h3', { id: `consume-${snippet.id}-heading` }, snippet.title),
            h('span', { class: 'snippet-copy' }, copied, button)),
          snippet.install ? h('p', { class: 'hint' }, h('code', {}, snippet.install)) : null,
          h('pre', { class: 'code-block', tabindex: '0' }, h('code', {}, snippet.code)));
      }),
      list.some(s => s.id === 'openai') ? null : h('p', { class: 'muted', id: 'consume-no-openai' },
        'The OpenAI SDK and LangChain snippets come with a text-generation deployment (OpenAI completions also with '
        + 'summarization and translation).'));
  }

  function update(endpoint) {
    const now = signature(endpoint);
    if (now === shownSignature) return;
    shownSignature = now;
    render(endpoint);
  }

  update(first);
  return { update };
}
