// The endpoint page's Keys tab: the keys shown on request (or why they cannot be), and regenerating one.
import { endpointKeys, regenerateEndpointKey } from './api.js';
import { confirmDialog, h, problemView, replaceChildren } from './dom.js';
import { keyFields } from './serving.js';
import { can, needsRole } from './session.js';

/**
 * The tab's content for `endpoint`. `keys` are keys just made (shown at once); `onKeys(keys)` hears of every key
 * this tab shows, so the Test tab can offer them.
 */
export function keysPanel(endpoint, { keys, onKeys }) {
  const name = endpoint.name;
  if (endpoint.authMode !== 'key') {
    return h('div', {}, h('p', { id: 'keys-token-mode' }, 'This endpoint takes personal API tokens (',
      h('code', {}, 'Authorization: Bearer mc_pat_…'), '), so it has no keys. Callers use a token of their own: make one on ',
      h('a', { href: '#/account' }, 'your account page'), '.'));
  }
  if (!can('contributor')) return h('div', {}, h('p', { class: 'muted', id: 'keys-role' }, needsRole('contributor')));

  let known = { ...keys };
  const box = h('div', { id: 'endpoint-keys' });
  const message = h('div', { id: 'keys-message' });
  const show = h('button', { type: 'button', class: 'button', id: 'show-keys' }, 'Show keys');

  function showKeys(shown, note) {
    known = { primaryKey: shown.primaryKey ?? known.primaryKey, secondaryKey: shown.secondaryKey ?? known.secondaryKey };
    replaceChildren(box, keyFields('endpoint-key', shown), note ? h('p', { class: 'muted small', id: 'keys-note' }, note) : null);
    onKeys?.(known);
  }

  show.addEventListener('click', async () => {
    replaceChildren(message);
    show.disabled = true;
    try {
      showKeys(await endpointKeys(name));
    } catch (error) {
      // 409: they were shown once, when made; the answer says why and what to do.
      replaceChildren(message, problemView(error));
    } finally {
      show.disabled = false;
    }
  });

  const regenerate = type => {
    const button = h('button', { type: 'button', class: 'button danger', id: `regenerate-${type}` }, `Regenerate the ${type} key`);
    button.addEventListener('click', async () => {
      const yes = await confirmDialog({ id: 'regenerate-dialog', title: `Regenerate the ${type} key?`, confirm: 'Regenerate',
        text: `The ${type} key stops working at once: callers that send it get 401 until they use the new one.` });
      if (!yes) return;
      replaceChildren(message);
      button.disabled = true;
      try {
        const answer = await regenerateEndpointKey(name, type);
        const other = type === 'primary' ? 'secondary' : 'primary';
        const otherShown = type === 'primary' ? answer.secondaryKey : answer.primaryKey;
        showKeys(answer, `The new ${type} key works from now on; copy it now, it may not be shown again.`
          + (otherShown ? '' : ` The ${other} key is unchanged.`));
      } catch (error) {
        replaceChildren(message, problemView(error));
      } finally {
        button.disabled = false;
      }
    });
    return button;
  };

  if (keys) showKeys(keys, 'These keys were just made: copy them now, they may not be shown again.');
  else replaceChildren(box, h('p', { class: 'muted' }, 'The keys are hidden. '), show);
  return h('div', {},
    h('p', { class: 'muted' }, 'Applications send a key as ', h('code', {}, 'Authorization: Bearer <key>'), ' or ',
      h('code', {}, 'api-key: <key>'), '. A key lets them call this endpoint and nothing else.'),
    box, message,
    h('h3', { class: 'subheading' }, 'Regenerate'),
    h('p', { class: 'hint' }, 'Move applications to the other key first, then make this one anew: the old one stops working at once.'),
    h('div', { class: 'row-actions' }, regenerate('primary'), regenerate('secondary')));
}
