// Builds DOM nodes. Text always goes in as text nodes, never as HTML, so untrusted strings are safe here.

/** Creates an element: h('a', {href: '#/', class: 'x', onclick: fn}, 'text', childNode, [more]). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name === 'checked' || name === 'selected' || name === 'value') {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  appendChildren(element, children);
  return element;
}

/** Appends nodes and strings (as text), skipping null, undefined and false. */
export function appendChildren(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** Replaces an element's content. */
export function replaceChildren(element, ...children) {
  element.replaceChildren();
  return appendChildren(element, children);
}

/** What to say when a page's or a dialog's code could not be fetched from the catalog service. */
export const CODE_NOT_LOADED = 'The catalog service may be restarting: reload the page to try again.';

/** Shows an API error (RFC 9457 problem details): its title, detail and each field error. */
export function problemView(error, retry) {
  const fieldErrors = Array.isArray(error?.errors) ? error.errors : [];
  return h('div', { class: 'problem', role: 'alert' },
    h('p', { class: 'problem-title' }, error?.title || 'Something went wrong'),
    error?.detail ? h('p', { class: 'problem-detail' }, error.detail) : null,
    fieldErrors.length ? h('ul', { class: 'problem-fields' },
      fieldErrors.map(e => h('li', {}, h('code', {}, e.field ?? '?'), ': ', e.message ?? ''))) : null,
    retry ? h('button', { type: 'button', class: 'button', onclick: retry }, 'Try again') : null);
}

const STATUS_LABELS = {
  not_imported: 'Not imported',
  importing: 'Importing…',
  ready: 'Ready',
  failed: 'Failed',
};

/** A badge for a model's import status. */
export function statusBadge(status) {
  return h('span', { class: `badge status status-${status}` }, STATUS_LABELS[status] ?? status);
}

/** A badge for an inference task. */
export function taskBadge(task) {
  return h('span', { class: 'badge task', dataset: { task } }, task);
}

/** A date as the reader's locale writes it, with the exact time as a tooltip. */
export function dateView(iso) {
  if (!iso) return h('span', {}, '—');
  const date = new Date(iso);
  return h('time', { datetime: iso, title: date.toISOString() },
    date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }));
}

/**
 * Asks before an action that cannot be undone: a modal dialog with `title` and `text`, a button that keeps things
 * as they are (focused first, so Enter or Escape changes nothing) and one labelled `confirm` that goes ahead.
 * Ids start with `id`. Answers a promise of true when the reader went ahead; the focus goes back where it was.
 */
/**
 * Shows `dialog` modally until it closes. Back and Forward leave the page it was opened on, so they close it; once
 * closed it is removed and `onClose` runs.
 */
export function showDialog(dialog, onClose) {
  const closeOnNavigation = () => dialog.close();
  window.addEventListener('hashchange', closeOnNavigation);
  dialog.addEventListener('close', () => {
    window.removeEventListener('hashchange', closeOnNavigation);
    dialog.remove();
    onClose?.();
  });
  document.body.append(dialog);
  dialog.showModal();
}

export function confirmDialog({ id, title, text, confirm, keep = 'Keep it' }) {
  const back = document.activeElement;
  return new Promise(resolve => {
    let answer = false;
    const yes = h('button', { type: 'button', class: 'button danger', id: `${id}-confirm` }, confirm);
    const no = h('button', { type: 'button', class: 'button', id: `${id}-keep` }, keep);
    const dialog = h('dialog', { class: 'dialog small', id, 'aria-labelledby': `${id}-heading`, 'aria-describedby': `${id}-text` },
      h('h2', { id: `${id}-heading` }, title),
      h('p', { id: `${id}-text` }, text),
      h('div', { class: 'dialog-actions' }, no, yes));
    no.addEventListener('click', () => dialog.close());
    yes.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    showDialog(dialog, () => {
      if (back?.isConnected) back.focus();
      resolve(answer);
    });
    no.focus();
  });
}
