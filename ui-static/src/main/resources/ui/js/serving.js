// How endpoints and their deployments show anywhere in the UI: a deployment's state, an endpoint's traffic,
// which deployment answers by default, and an endpoint's keys, shown the one time they are made.
import { copyField } from './clipboard.js';
import { h } from './dom.js';

const STATE_LABELS = { creating: 'Creating', updating: 'Updating', ready: 'Ready', failed: 'Failed' };

/**
 * Whether a deployment is still changing: being created, or updating (instances of a new version loading while
 * the old ones answer). The pages ask again until none is.
 */
export function isChanging(deployment) {
  return deployment?.state === 'creating' || deployment?.state === 'updating';
}

/** A badge for a deployment's state. */
export function deploymentStateBadge(deployment) {
  return h('span', { class: `badge deployment-state state-${deployment.state}`, dataset: { state: deployment.state } },
    STATE_LABELS[deployment.state] ?? deployment.state);
}

/** The share of an endpoint's traffic a deployment gets, in percent. */
export function trafficOf(endpoint, deployment) {
  return Number(endpoint.traffic?.[deployment]) || 0;
}

/** The mirror in words: 'green 10%', or 'none' when no calls are copied. */
export function mirrorText(endpoint) {
  const shares = Object.entries(endpoint.mirror ?? {}).filter(([, share]) => Number(share) > 0);
  return shares.length ? shares.map(([deployment, share]) => `${deployment} ${share}%`).join(' · ') : 'none';
}

/** The traffic map in words: 'blue 90% · green 10%', or 'none' when it sums to 0. */
export function trafficText(endpoint) {
  const shares = (endpoint.deployments ?? []).filter(d => trafficOf(endpoint, d.name) > 0)
    .map(d => `${d.name} ${trafficOf(endpoint, d.name)}%`);
  return shares.length ? shares.join(' · ') : 'none';
}

/** The deployment that answers most calls: the one with the most traffic, else the first; undefined when none. */
export function servedDeployment(endpoint) {
  const deployments = endpoint.deployments ?? [];
  return [...deployments].sort((a, b) => trafficOf(endpoint, b.name) - trafficOf(endpoint, a.name))[0];
}

// Keys that were just made, from the deploy page to the endpoint page it goes to: shown there once, never stored.
const newKeys = new Map();

/** Hands an endpoint's new keys ({ primaryKey, secondaryKey }) to its page, which shows them once. */
export function handOverNewKeys(endpoint, keys) {
  if (keys) newKeys.set(endpoint, keys);
}

/** The new keys handed over for an endpoint, once: a second call answers undefined. */
export function takeNewKeys(endpoint) {
  const keys = newKeys.get(endpoint);
  newKeys.delete(endpoint);
  return keys;
}

/** Fields with Copy buttons for the keys that are known (a null key is left out); ids start with `idBase`. */
export function keyFields(idBase, keys) {
  return [['primary', keys?.primaryKey], ['secondary', keys?.secondaryKey]].filter(([, value]) => value)
    .map(([type, value]) => h('div', { class: 'field key-field' },
      h('label', { for: `${idBase}-${type}` }, type === 'primary' ? 'Primary key' : 'Secondary key'),
      copyField(`${idBase}-${type}`, value, `${type === 'primary' ? 'Primary' : 'Secondary'} key`)));
}

/** New keys with the warning that they may not be shown again. */
export function newKeysView(id, keys) {
  return h('div', { class: 'success token-reveal', id, role: 'alert' },
    h('p', {}, h('strong', {}, 'Copy the keys now: they may not be shown again.'), ' ',
      'Callers send one as ', h('code', {}, 'Authorization: Bearer <key>'), '; either works, so one can be regenerated while the other is in use.'),
    keyFields(`${id}-value`, keys));
}
