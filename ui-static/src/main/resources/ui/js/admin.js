// The Admin page: accounts (create, change role, disable, reset a password, tokens of service
// accounts), runner tokens (issue once, revoke), secrets (the Hugging Face token: set or remove) and LLM
// connections (llmconnections.js).
import {
  createRunnerToken, createUser, createUserToken, deleteSecret, listRunnerTokens, listSecrets, listUsers,
  revokeRunnerToken, revokeToken, listUserTokens, setSecret, updateUser,
} from './api.js';
import { dateView, h, problemView, replaceChildren } from './dom.js';
import { formatDateTime } from './format.js';
import { llmConnectionsSection } from './llmconnections.js';
import { currentUser } from './session.js';
import { revealOnce, tokenTable } from './tokens.js';

const ROLES = ['viewer', 'contributor', 'admin'];
const HF_SECRET = 'huggingface-token';

/** Mounts the page; returns { unmount() }. */
export function mountAdmin(root) {
  let active = true;
  document.title = 'Admin · ModelCat';
  const users = h('div', { id: 'users-box' }, h('p', { class: 'loading' }, 'Loading accounts…'));
  const runners = h('div', { id: 'runner-tokens-box' }, h('p', { class: 'loading' }, 'Loading runner tokens…'));
  const secrets = h('div', { id: 'secrets-box' }, h('p', { class: 'loading' }, 'Loading secrets…'));
  const newUserToken = h('div', { id: 'new-user-token' });
  const newRunnerToken = h('div', { id: 'new-runner-token' });
  const llm = llmConnectionsSection(() => active);

  async function loadUsers() {
    try {
      const list = await listUsers();
      if (active) replaceChildren(users, usersTable(list));
    } catch (error) {
      if (active) replaceChildren(users, problemView(error, loadUsers));
    }
  }

  function usersTable(list) {
    return h('div', { class: 'table-scroll' }, h('table', { id: 'users' },
      h('thead', {}, h('tr', {}, ['Username', 'Name', 'Role', 'Signs in with', 'Created', 'Enabled', '']
        .map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, list.map(userRow))));
  }

  function userRow(user) {
    const message = h('div', { class: 'row-message' });
    const fail = error => replaceChildren(message, problemView(error));
    const role = h('select', { 'aria-label': `Role of ${user.username}`, class: 'user-role' },
      ROLES.map(r => h('option', { value: r, selected: r === user.role }, r)));
    role.addEventListener('change', () => updateUser(user.id, { role: role.value }).then(loadUsers, error => {
      role.value = user.role;
      fail(error);
    }));
    const enabled = h('input', { type: 'checkbox', checked: !user.disabled, class: 'user-enabled',
      'aria-label': `${user.username} may sign in` });
    enabled.addEventListener('change', () => updateUser(user.id, { disabled: !enabled.checked }).then(loadUsers, error => {
      enabled.checked = !user.disabled;
      fail(error);
    }));
    const reset = h('button', { type: 'button', class: 'button small-button', onclick: () => resetPassword(user, message) },
      user.hasPassword ? 'Reset password' : 'Set password');
    const token = h('button', { type: 'button', class: 'button small-button', onclick: () => issueUserToken(user, message) },
      'New API token');
    const self = user.id === currentUser()?.id;
    return [h('tr', { dataset: { userId: user.id, username: user.username } },
      h('th', { scope: 'row' }, user.username, self ? h('span', { class: 'muted small' }, ' (you)') : null),
      h('td', {}, user.displayName || '—'),
      h('td', {}, role),
      h('td', {}, user.hasPassword ? 'password' : 'API tokens only'),
      h('td', {}, dateView(user.createdAt)),
      h('td', {}, enabled),
      h('td', { class: 'row-actions' }, reset, token)),
    h('tr', { class: 'message-row' }, h('td', { colspan: '7' }, message))];
  }

  function resetPassword(user, message) {
    const field = h('input', { type: 'password', autocomplete: 'new-password', minlength: '12', class: 'reset-password',
      'aria-label': `New password for ${user.username}` });
    const save = h('button', { type: 'submit', class: 'button primary small-button' }, 'Save');
    const form = h('form', { class: 'inline-form' }, field, save);
    form.addEventListener('submit', async event => {
      event.preventDefault();
      try {
        await updateUser(user.id, { password: field.value });
        replaceChildren(message, h('p', { class: 'success small' }, `Password of ${user.username} changed; their sessions ended.`));
      } catch (error) {
        replaceChildren(message, form, problemView(error));
      }
    });
    replaceChildren(message, form);
    field.focus();
  }

  async function issueUserToken(user, message) {
    try {
      const issued = await createUserToken(user.id, { name: `issued by ${currentUser()?.username ?? 'an admin'}` });
      replaceChildren(newUserToken, revealOnce('new-user-token-value', issued.value,
        `A token for ${user.username}, acting as a ${user.role}.`));
      const tokens = await listUserTokens(user.id);
      replaceChildren(message, tokenTable(`tokens-${user.username}`, tokens, {
        onRevoke: async token => {
          await revokeToken(token.id);
          replaceChildren(message, h('p', { class: 'muted small' }, `Revoked ${token.name}.`));
        },
      }));
    } catch (error) {
      replaceChildren(message, problemView(error));
    }
  }

  const userForm = createUserForm(loadUsers);

  async function loadRunners() {
    try {
      const list = await listRunnerTokens();
      if (active) {
        replaceChildren(runners, tokenTable('runner-tokens', list, {
          onRevoke: async token => {
            await revokeRunnerToken(token.id);
            await loadRunners();
          },
        }));
      }
    } catch (error) {
      if (active) replaceChildren(runners, problemView(error, loadRunners));
    }
  }

  const runnerName = h('input', { id: 'runner-token-name', type: 'text', maxlength: '100', placeholder: 'e.g. gpu-box-1',
    autocomplete: 'off' });
  const runnerMessage = h('div', { id: 'runner-token-message' });
  const runnerForm = h('form', { id: 'runner-token-form', class: 'inline-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'runner-token-name' }, 'Runner or pool'), runnerName),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button primary', id: 'runner-token-create' },
      'Issue runner token')), runnerMessage);
  runnerForm.addEventListener('submit', async event => {
    event.preventDefault();
    replaceChildren(runnerMessage);
    try {
      const issued = await createRunnerToken({ name: runnerName.value.trim() });
      runnerName.value = '';
      replaceChildren(newRunnerToken, revealOnce('new-runner-token-value', issued.value,
        h('span', {}, 'Start the runner with ', h('code', {}, 'MODELCAT_RUNNER_TOKEN'), ' set to it.')));
      await loadRunners();
    } catch (error) {
      replaceChildren(runnerMessage, problemView(error));
    }
  });

  async function loadSecrets() {
    try {
      const answer = await listSecrets();
      if (active) replaceChildren(secrets, secretsView(answer));
    } catch (error) {
      if (active) replaceChildren(secrets, problemView(error, loadSecrets));
    }
  }

  function secretsView({ encryptionConfigured, items }) {
    const stored = items.find(s => s.name === HF_SECRET);
    const value = h('input', { id: 'hf-token', type: 'password', autocomplete: 'off', placeholder: 'hf_…',
      disabled: !encryptionConfigured });
    const message = h('div', { id: 'hf-token-message' });
    const form = h('form', { id: 'hf-token-form', class: 'inline-form', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'hf-token' }, 'Hugging Face access token'), value),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'button primary', id: 'hf-token-save', disabled: !encryptionConfigured },
          stored ? 'Replace' : 'Save'),
        stored ? h('button', { type: 'button', class: 'button danger', id: 'hf-token-remove', onclick: async () => {
          try {
            await deleteSecret(HF_SECRET);
            await loadSecrets();
          } catch (error) {
            replaceChildren(message, problemView(error));
          }
        } }, 'Remove') : null),
      message);
    form.addEventListener('submit', async event => {
      event.preventDefault();
      try {
        await setSecret(HF_SECRET, value.value);
        await loadSecrets();
      } catch (error) {
        replaceChildren(message, problemView(error));
      }
    });
    return h('div', {},
      encryptionConfigured ? null : h('p', { class: 'problem', id: 'secrets-disabled' },
        'Secrets cannot be stored until ', h('code', {}, 'MODELCAT_SECRET_KEY'),
        ' is set on catalog-service and every runner (32 random bytes in Base64).'),
      h('p', { id: 'hf-token-state', class: 'muted' }, stored
        ? `Set by ${stored.updatedBy}, ${formatDateTime(stored.updatedAt)}.${stored.readable ? '' : ' It was encrypted with another key: set it again.'}`
        : 'Not set: imports use the runners’ HF_TOKEN, if any.'),
      form);
  }

  replaceChildren(root, h('div', { class: 'admin-page' },
    h('div', { class: 'page-head' }, h('h1', { id: 'admin-heading' }, 'Admin'),
      h('a', { class: 'button', href: '#/audit', id: 'open-audit' }, 'Audit log')),
    h('section', { 'aria-labelledby': 'users-heading' },
      h('h2', { id: 'users-heading' }, 'Accounts'),
      h('p', { class: 'muted' }, 'Viewers browse and read metrics; contributors also upload data, run and cancel their own jobs '
        + 'and register models; admins do everything.'),
      userForm, newUserToken, users),
    h('section', { 'aria-labelledby': 'runners-heading' },
      h('h2', { id: 'runners-heading' }, 'Runner tokens'),
      h('p', { class: 'muted' }, 'A job-runner starts only with a token issued here; revoking it stops its runners taking jobs.'),
      runnerForm, newRunnerToken, runners),
    h('section', { 'aria-labelledby': 'secrets-heading' },
      h('h2', { id: 'secrets-heading' }, 'Secrets'),
      h('p', { class: 'muted' }, 'Stored encrypted; nobody can read them back here. Imports send the Hugging Face token to the Hub '
        + 'for gated and private models.'),
      secrets),
    h('section', { 'aria-labelledby': 'llm-heading' },
      h('h2', { id: 'llm-heading' }, 'LLM connections'),
      llm.element)));
  loadUsers();
  loadRunners();
  loadSecrets();
  llm.load();
  return { unmount: () => { active = false; } };
}

function createUserForm(onCreated) {
  const username = h('input', { id: 'new-user-name', type: 'text', maxlength: '64', autocomplete: 'off', required: true });
  const displayName = h('input', { id: 'new-user-display', type: 'text', maxlength: '200', autocomplete: 'off' });
  const role = h('select', { id: 'new-user-role' }, ROLES.map(r => h('option', { value: r, selected: r === 'contributor' }, r)));
  const password = h('input', { id: 'new-user-password', type: 'password', autocomplete: 'new-password',
    'aria-describedby': 'new-user-password-hint' });
  const message = h('div', { id: 'new-user-message' });
  const form = h('form', { id: 'new-user-form', novalidate: true, class: 'field-row' },
    h('div', { class: 'field' }, h('label', { for: 'new-user-name' }, 'Username'), username),
    h('div', { class: 'field' }, h('label', { for: 'new-user-display' }, 'Name'), displayName),
    h('div', { class: 'field' }, h('label', { for: 'new-user-role' }, 'Role'), role),
    h('div', { class: 'field' }, h('label', { for: 'new-user-password' }, 'Password'), password,
      h('p', { class: 'hint', id: 'new-user-password-hint' }, 'Leave empty for a service account that uses API tokens only.')),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button primary', id: 'new-user-submit' }, 'Create account')),
    message);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    replaceChildren(message);
    try {
      const user = await createUser({ username: username.value.trim(), displayName: displayName.value.trim() || undefined,
        role: role.value, password: password.value || undefined });
      replaceChildren(message, h('p', { class: 'success small', id: 'new-user-created' }, `Created ${user.username}.`));
      username.value = '';
      displayName.value = '';
      password.value = '';
      await onCreated();
    } catch (error) {
      replaceChildren(message, problemView(error));
    }
  });
  return form;
}
