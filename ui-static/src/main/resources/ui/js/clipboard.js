// Copying to the clipboard: a Copy button, and a read-only field with one (tokens, keys, URLs).
import { h } from './dom.js';

/**
 * A Copy button for `text` (a string, or a function answering the text at the time of the click), with a
 * status beside it that says whether it worked. `label` names what it copies for assistive technology.
 */
export function copyButton(text, label) {
  const copied = h('span', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'button', 'aria-label': label ? `Copy ${label}` : null,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(typeof text === 'function' ? text() : text);
        copied.textContent = 'Copied.';
      } catch {
        copied.textContent = 'Select the text and copy it.';
      }
    } }, 'Copy');
  return { button, copied };
}

/** `value` in a read-only field with a Copy button; a click on Copy also selects the field. */
export function copyField(id, value, label) {
  const field = h('input', { id, type: 'text', readonly: true, value, class: 'token-value', 'aria-label': label,
    spellcheck: 'false' });
  const { button, copied } = copyButton(() => {
    field.select();
    return value;
  });
  return h('div', { class: 'token-copy' }, field, button, copied);
}
