/** A few lines instead of a framework: the app is forms, lists and text. */
import { westernDigits } from '../../src/languages.js';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Creates an element; `on*` attributes become listeners, `true` a bare attribute, null/false/undefined nothing. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : String(child));
  }
}

/** Replaces an element's content. */
export function fill(el: Element, ...children: (Child | Child[])[]): void {
  el.textContent = '';
  append(el, children);
}

/** Says something to screen readers (and shows it in the status line) without moving focus. */
export function announce(text: string): void {
  const region = document.getElementById('announce');
  if (!region) return;
  region.textContent = '';
  // A fresh text node after a tick is what makes every screen reader read it again.
  setTimeout(() => (region.textContent = text), 50);
}

/** Reads a form's text fields by name, trimmed, with digits typed on an Arabic keyboard as 0-9. */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(form).forEach((value, key) => {
    if (typeof value === 'string') out[key] = westernDigits(value.trim());
  });
  return out;
}

/** A labelled text field with its hint and an error slot tied to it for screen readers. */
export function field(opts: {
  name: string;
  label: string;
  hint?: string;
  value?: string;
  type?: string;
  autocomplete?: string;
  inputmode?: string;
  required?: boolean;
  pattern?: string;
  maxlength?: number;
}): HTMLElement {
  const id = `f-${opts.name}`;
  const described = [opts.hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' ');
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, opts.label, opts.required ? '' : null),
    opts.hint ? h('p', { class: 'hint', id: `${id}-hint` }, opts.hint) : null,
    h('input', {
      id,
      name: opts.name,
      type: opts.type ?? 'text',
      value: opts.value ?? '',
      autocomplete: opts.autocomplete,
      inputmode: opts.inputmode,
      required: opts.required,
      pattern: opts.pattern,
      maxlength: opts.maxlength,
      'aria-describedby': described,
    }),
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }),
  );
}

/** Shows (or clears) the message under a field and marks the input invalid for assistive technology. */
export function fieldError(form: HTMLFormElement, name: string, message: string | null): void {
  const input = form.querySelector<HTMLInputElement>(`[name="${name}"]`);
  const slot = form.querySelector<HTMLElement>(`#f-${name}-error`);
  if (!input || !slot) return;
  slot.textContent = message ?? '';
  slot.hidden = message === null;
  if (message === null) input.removeAttribute('aria-invalid');
  else input.setAttribute('aria-invalid', 'true');
}

/** A message box; `alert` for problems is read out at once. */
export function notice(kind: 'info' | 'problem' | 'success', ...children: (Child | Child[])[]): HTMLElement {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'problem' ? 'alert' : null }, ...children);
}
