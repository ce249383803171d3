// Pieces shared by the Account and Admin pages: a just-made token shown once with a copy button, and a
// table of tokens (personal or runner) with Revoke.
import { copyField } from './clipboard.js';
import { h, dateView, problemView, replaceChildren } from './dom.js';
import { relativeTime } from './format.js';

/** A new token's value, shown once: a read-only field, a Copy button and the warning that it will not be shown again. */
export function revealOnce(id, value, usage) {
  return h('div', { class: 'success token-reveal', role: 'alert' },
    h('p', {}, h('strong', {}, 'Copy the token now: it will not be shown again.'), ' ', usage),
    copyField(id, value, 'The new token'));
}

/** The state of a token: active, revoked or expired. */
function tokenState(token) {
  if (token.revokedAt) return ['revoked', 'Revoked'];
  if (token.expiresAt && Date.parse(token.expiresAt) <= Date.now()) return ['expired', 'Expired'];
  return ['active', 'Active'];
}

/**
 * A table of tokens with a Revoke button per active one. `onRevoke(token)` revokes it (a promise); the
 * row then shows the outcome.
 */
export function tokenTable(id, tokens, { onRevoke, showOwner = false } = {}) {
  if (!tokens.length) return h('p', { class: 'muted', id: `${id}-empty` }, 'No tokens yet.');
  const message = h('div', { id: `${id}-message` });
  const rows = tokens.map(token => {
    const [state, label] = tokenState(token);
    const revoke = state === 'active' && onRevoke ? h('button', { type: 'button', class: 'button danger small-button',
      'aria-label': `Revoke ${token.name}` }, 'Revoke') : null;
    revoke?.addEventListener('click', async () => {
      revoke.disabled = true;
      try {
        await onRevoke(token);
      } catch (error) {
        revoke.disabled = false;
        replaceChildren(message, problemView(error));
      }
    });
    return h('tr', { dataset: { tokenId: token.id, state } },
      h('th', { scope: 'row' }, token.name),
      showOwner ? h('td', {}, token.username ?? '—') : null,
      h('td', {}, h('code', {}, `${token.prefix}…`)),
      h('td', {}, dateView(token.createdAt)),
      h('td', {}, token.expiresAt ? dateView(token.expiresAt) : 'never'),
      h('td', {}, token.lastUsedAt ? h('span', { title: token.lastUsedAt }, relativeTime(token.lastUsedAt)) : 'never'),
      h('td', {}, h('span', { class: `badge token-${state}` }, label)),
      h('td', {}, revoke));
  });
  return h('div', {}, message, h('div', { class: 'table-scroll' }, h('table', { id },
    h('thead', {}, h('tr', {}, ['Name', showOwner ? 'Account' : null, 'Token', 'Created', 'Expires', 'Last used', 'State', '']
      .filter(t => t !== null).map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows))));
}
