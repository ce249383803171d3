// The Account page: who is signed in, changing the password, and personal API tokens (made, shown once, revoked).
import { changePassword, createToken, listTokens, revokeToken } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';
import { currentUser, forgetSession } from './session.js';
import { revealOnce, tokenTable } from './tokens.js';

/** Mounts the page; `onPasswordChanged()` runs after a change (the service ended the session). Returns { unmount() }. */
export function mountAccount(root, { onPasswordChanged } = {}) {
  let active = true;
  const user = currentUser();
  document.title = 'Account · ModelCat';
  const tokensBox = h('div', { id: 'tokens-box' }, h('p', { class: 'loading' }, 'Loading tokens…'));
  const newToken = h('div', { id: 'new-token' });

  async function loadTokens() {
    try {
      const tokens = await listTokens();
      if (!active) return;
      replaceChildren(tokensBox, tokenTable('api-tokens', tokens, {
        onRevoke: async token => {
          await revokeToken(token.id);
          await loadTokens();
        },
      }));
    } catch (error) {
      if (active) replaceChildren(tokensBox, problemView(error, loadTokens));
    }
  }

  const tokenName = h('input', { id: 'token-name', type: 'text', maxlength: '100', required: true, autocomplete: 'off',
    placeholder: 'e.g. laptop notebook' });
  const tokenDays = h('input', { id: 'token-days', type: 'number', min: '1', max: '3650', value: '90' });
  const tokenMessage = h('div', { id: 'token-message' });
  const tokenForm = h('form', { id: 'token-form', class: 'inline-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'token-name' }, 'Name'), tokenName),
    h('div', { class: 'field' }, h('label', { for: 'token-days' }, 'Expires in (days)'), tokenDays),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button primary', id: 'token-create' }, 'Create token')),
    tokenMessage);
  tokenForm.addEventListener('submit', async event => {
    event.preventDefault();
    replaceChildren(tokenMessage);
    try {
      const issued = await createToken({ name: tokenName.value.trim(), expiresInDays: Number(tokenDays.value) || undefined });
      tokenName.value = '';
      replaceChildren(newToken, revealOnce('new-token-value', issued.value,
        h('span', {}, 'Send it as ', h('code', {}, 'Authorization: Bearer <token>'), '; it acts as you.')));
      await loadTokens();
    } catch (error) {
      replaceChildren(tokenMessage, problemView(error));
    }
  });

  const current = h('input', { id: 'password-current', type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { id: 'password-new', type: 'password', autocomplete: 'new-password', required: true, minlength: '12' });
  const repeat = h('input', { id: 'password-repeat', type: 'password', autocomplete: 'new-password', required: true });
  const passwordMessage = h('div', { id: 'password-message' });
  const passwordForm = h('form', { id: 'password-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'password-current' }, 'Current password'), current),
    h('div', { class: 'field' }, h('label', { for: 'password-new' }, 'New password'), next,
      h('p', { class: 'hint' }, 'At least 12 characters. Changing it signs you out everywhere.')),
    h('div', { class: 'field' }, h('label', { for: 'password-repeat' }, 'New password again'), repeat),
    passwordMessage,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button', id: 'password-submit' }, 'Change password')));
  passwordForm.addEventListener('submit', async event => {
    event.preventDefault();
    if (next.value !== repeat.value) {
      replaceChildren(passwordMessage, h('p', { class: 'field-error', role: 'alert' }, 'The new passwords differ.'));
      return;
    }
    try {
      await changePassword(current.value, next.value);
      forgetSession();
      onPasswordChanged?.();
    } catch (error) {
      replaceChildren(passwordMessage, problemView(error));
    }
  });

  replaceChildren(root, h('div', { class: 'account-page' },
    h('div', { class: 'page-head' }, h('h1', { id: 'account-heading' }, 'Account')),
    h('dl', { class: 'job-facts', id: 'account-facts' },
      h('dt', {}, 'Username'), h('dd', { id: 'account-username' }, user?.username ?? '—'),
      h('dt', {}, 'Name'), h('dd', {}, user?.displayName || '—'),
      h('dt', {}, 'Role'), h('dd', { id: 'account-role' }, user?.role ?? '—')),
    h('section', { 'aria-labelledby': 'tokens-heading' },
      h('h2', { id: 'tokens-heading' }, 'Personal API tokens'),
      h('p', { class: 'muted' }, 'For scripts, notebooks and CI: a token acts with your role until it expires or you revoke it.'),
      tokenForm, newToken, tokensBox),
    user?.hasPassword ? h('section', { 'aria-labelledby': 'password-heading' },
      h('h2', { id: 'password-heading' }, 'Password'), passwordForm) : null));
  loadTokens();
  return { unmount: () => { active = false; } };
}
