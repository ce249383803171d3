// The sign-in page: username and password, with the service's answer (wrong password, throttled) shown as it is.
import { h, problemView, replaceChildren } from './dom.js';
import { signIn } from './session.js';

/** Mounts the sign-in form; `onSignedIn()` runs once the session is open. Returns { unmount() }. */
export function mountLogin(root, { onSignedIn, reason } = {}) {
  document.title = 'Sign in · ModelCat';
  const username = h('input', { id: 'login-username', name: 'username', type: 'text', autocomplete: 'username',
    required: true, maxlength: '64', autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password',
    required: true, maxlength: '1024' });
  const submit = h('button', { type: 'submit', class: 'button primary', id: 'login-submit' }, 'Sign in');
  const message = h('div', { id: 'login-message', 'aria-live': 'polite' },
    reason ? h('p', { class: 'muted', id: 'login-reason' }, reason) : null);
  const form = h('form', { id: 'login-form', class: 'login-form', novalidate: true },
    h('h1', { id: 'login-heading' }, 'Sign in to ModelCat'),
    h('label', { for: 'login-username' }, 'Username'), username,
    h('label', { for: 'login-password' }, 'Password'), password,
    message,
    h('div', { class: 'form-actions' }, submit),
    h('p', { class: 'muted small' }, 'Scripts and notebooks use personal API tokens instead (Account page, once signed in).'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    if (!username.value.trim() || !password.value) {
      replaceChildren(message, h('p', { class: 'field-error', role: 'alert' }, 'Enter your username and password.'));
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      await signIn(username.value.trim(), password.value);
      password.value = '';
      onSignedIn?.();
    } catch (error) {
      replaceChildren(message, problemView(error));
      password.value = '';
      password.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });
  replaceChildren(root, h('div', { class: 'login-page' }, form));
  username.focus();
  return { unmount() {} };
}
