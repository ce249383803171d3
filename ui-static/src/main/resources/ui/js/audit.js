// The audit log page (admins): who did what, newest first, filtered by actor, action and outcome, with pages.
import { auditLog } from './api.js';
import { h, problemView, replaceChildren } from './dom.js';
import { formatDateTime } from './format.js';

const PAGE = 50;

/** Mounts the page with the filters in `params`; returns { update(params), unmount() }. */
export function mountAudit(root, params, navigate) {
  let active = true;
  let cursors = [''];
  const actor = h('input', { id: 'audit-actor', type: 'search', placeholder: 'username', autocomplete: 'off' });
  const action = h('input', { id: 'audit-action', type: 'search', placeholder: 'e.g. job. or model.delete', autocomplete: 'off' });
  const outcome = h('select', { id: 'audit-outcome' }, ['', 'success', 'denied', 'failure']
    .map(o => h('option', { value: o }, o || 'any outcome')));
  const body = h('tbody', {});
  const summary = h('p', { id: 'audit-summary', class: 'summary', role: 'status' });
  const message = h('div', { id: 'audit-message' });
  const more = h('button', { type: 'button', class: 'button', id: 'audit-more', hidden: true }, 'Older →');
  const form = h('form', { class: 'toolbar', id: 'audit-filters' },
    h('label', { for: 'audit-actor' }, 'Actor'), actor,
    h('label', { for: 'audit-action' }, 'Action'), action,
    h('label', { for: 'audit-outcome', class: 'visually-hidden' }, 'Outcome'), outcome,
    h('button', { type: 'submit', class: 'button' }, 'Filter'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [name, input] of [['actor', actor], ['action', action], ['outcome', outcome]]) {
      if (input.value.trim()) query.set(name, input.value.trim());
    }
    navigate(`/audit${query.toString() ? `?${query}` : ''}`);
  });
  more.addEventListener('click', () => load(cursors.at(-1)));

  document.title = 'Audit log · ModelCat';
  replaceChildren(root, h('div', { class: 'audit-page' },
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/admin' }, '← Admin')),
    h('div', { class: 'page-head' }, h('h1', { id: 'audit-heading' }, 'Audit log')),
    form, summary, message,
    h('div', { class: 'table-scroll' }, h('table', { id: 'audit' },
      h('thead', {}, h('tr', {}, ['When', 'Actor', 'Action', 'Target', 'Outcome', 'From', 'Details']
        .map(t => h('th', { scope: 'col' }, t)))), body)),
    h('div', { class: 'pager' }, more)));

  function row(event) {
    const target = event.targetType ? [event.targetType, ' ', targetLink(event)] : '—';
    return h('tr', { dataset: { action: event.action, outcome: event.outcome } },
      h('td', {}, h('time', { datetime: event.at }, formatDateTime(event.at))),
      h('td', { class: 'audit-actor' }, event.actor),
      h('td', { class: 'audit-action' }, h('code', {}, event.action)),
      h('td', {}, target),
      h('td', {}, h('span', { class: `badge outcome-${event.outcome}` }, event.outcome)),
      h('td', {}, event.remoteAddr ?? '—'),
      h('td', { class: 'audit-details' }, Object.keys(event.details ?? {}).length
        ? h('code', {}, JSON.stringify(event.details)) : '—'));
  }

  function targetLink(event) {
    const id = event.targetId ?? '';
    const href = event.targetType === 'job' ? `#/jobs/${encodeURIComponent(id)}`
      : event.targetType === 'model' ? `#/models/${encodeURIComponent(id)}` : null;
    const text = h('code', { title: id }, id.length > 12 ? `${id.slice(0, 8)}…` : id);
    return href ? h('a', { href }, text) : text;
  }

  async function load(cursor) {
    const query = { actor: actor.value.trim(), action: action.value.trim(), outcome: outcome.value, limit: PAGE, cursor };
    try {
      const page = await auditLog(query);
      if (!active) return;
      replaceChildren(message);
      if (!cursor) replaceChildren(body);
      body.append(...page.items.map(row));
      more.hidden = !page.nextCursor;
      if (page.nextCursor) cursors.push(page.nextCursor);
      summary.textContent = body.children.length ? `${body.children.length} records shown` : 'No records match.';
    } catch (error) {
      if (active) replaceChildren(message, problemView(error, () => load(cursor)));
    }
  }

  function update(next) {
    actor.value = next.get('actor') ?? '';
    action.value = next.get('action') ?? '';
    outcome.value = next.get('outcome') ?? '';
    cursors = [''];
    load('');
  }

  update(params);
  return { update, unmount: () => { active = false; } };
}
