// Field errors of a form: each API field name (RFC 9457 `errors[].field`) with its input and the message box
// beside it; the errors that name no field of the form are left for the caller to show.
import { h } from './dom.js';

/** A form's fields by API name. */
export class FieldErrors {
  constructor() {
    this.fields = new Map();
  }

  /** A message box for the input with id `idBase`, registered under the API field `name`. */
  add(name, input, idBase) {
    const error = h('p', { id: `${idBase}-error`, class: 'field-error', hidden: true });
    input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') ?? ''} ${idBase}-error`.trim());
    this.fields.set(name, { input, error });
    return error;
  }

  /** Forgets the fields whose names start with `prefix` (a part of the form that is rebuilt). */
  remove(prefix) {
    for (const name of [...this.fields.keys()]) if (name.startsWith(prefix)) this.fields.delete(name);
  }

  /** Shows `errors` beside their fields, clears the others; answers the errors no field took. */
  show(errors = []) {
    const left = [...errors];
    for (const [name, { input, error }] of this.fields) {
      const mine = errors.filter(e => e.field === name);
      error.textContent = mine.map(e => e.message).join(' ');
      error.hidden = mine.length === 0;
      if (mine.length) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      for (const e of mine) left.splice(left.indexOf(e), 1);
    }
    const first = errors.map(e => this.fields.get(e.field)?.input).find(Boolean);
    first?.focus();
    return left;
  }
}

/** A number typed in `input`, undefined when empty; text that is no number is sent as it is for the API to name. */
export function numberValue(input) {
  const text = input.value.trim();
  if (text === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}
