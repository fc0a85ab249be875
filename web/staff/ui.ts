import { ApiError } from '../src/api.js';
import { fill, formValues, h, notice } from '../src/dom.js';
import { dayIn, formatter, INSTALLATION_ZONE } from '../../src/time/zone.js';

/** Small building blocks of the console: labelled inputs, tables, messages, a line chart. */

type Input = {
  name: string;
  label: string;
  type?: string;
  value?: string | number;
  required?: boolean;
  hint?: string;
  options?: [string, string][];
  min?: number;
  max?: number;
  step?: string;
};

export function input(spec: Input): HTMLElement {
  const id = `s-${spec.name}`;
  const control = spec.options
    ? h(
        'select',
        { id, name: spec.name, required: spec.required },
        spec.options.map(([value, label]) => h('option', { value, selected: String(spec.value ?? '') === value }, label)),
      )
    : spec.type === 'checkbox'
      ? h('input', { id, name: spec.name, type: 'checkbox', value: 'on', checked: spec.value === 'on' })
      : h('input', {
          id,
          name: spec.name,
          type: spec.type ?? 'text',
          value: spec.value ?? '',
          required: spec.required,
          min: spec.min,
          max: spec.max,
          step: spec.step,
          'aria-describedby': spec.hint ? `${id}-hint` : null,
        });
  return h(
    'div',
    { class: spec.type === 'checkbox' ? 'field check' : 'field' },
    spec.type === 'checkbox'
      ? [control, h('label', { for: id }, spec.label)]
      : [h('label', { for: id }, spec.label), spec.hint ? h('p', { class: 'hint', id: `${id}-hint` }, spec.hint) : null, control],
  );
}

/** A form whose submit runs `action`, showing its outcome (or the server's complaint) under it. */
export function form(
  title: string,
  fields: Input[],
  submitLabel: string,
  action: (values: Record<string, string>, form: HTMLFormElement) => Promise<string | HTMLElement | void>,
): HTMLElement {
  const outcome = h('div', { 'aria-live': 'polite' });
  const el: HTMLFormElement = h(
    'form',
    {
      class: 'card',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const button = el.querySelector<HTMLButtonElement>('button[type="submit"]')!;
        button.disabled = true;
        try {
          const values = formValues(el);
          el.querySelectorAll<HTMLInputElement>('input[type="checkbox"]').forEach((c) => (values[c.name] = c.checked ? 'on' : ''));
          const result = await action(values, el);
          fill(outcome, result === undefined ? null : typeof result === 'string' ? notice('success', result) : result);
        } catch (err) {
          fill(outcome, problem(err));
        } finally {
          button.disabled = false;
        }
      },
    },
    h('h2', {}, title),
    fields.map(input),
    h('button', { type: 'submit' }, submitLabel),
    outcome,
  );
  return el;
}

export function problem(err: unknown): HTMLElement {
  if (err instanceof ApiError) {
    const warnings = Array.isArray(err.details.warnings) ? (err.details.warnings as { message: string }[]) : [];
    return notice(
      'problem',
      h('p', {}, `${err.message} (${err.code})`),
      warnings.length
        ? h(
            'ul',
            {},
            warnings.map((w) => h('li', {}, w.message)),
          )
        : null,
    );
  }
  return notice('problem', 'Der Server ist nicht erreichbar.');
}

export function table(headers: string[], rows: (string | number | Node | null)[][], caption?: string): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      caption ? h('caption', {}, caption) : null,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((x) => h('th', { scope: 'col' }, x)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            r.map((c) => h('td', {}, c ?? '')),
          ),
        ),
      ),
    ),
  );
}

// The console works in the installation's zone (the hotline's, and release instants'): the server's one constant.
const local = (options: Intl.DateTimeFormatOptions) => formatter('de-DE', INSTALLATION_ZONE, options);
export const dateTime = (iso: string) => local({ day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
export const time = (iso: string) => local({ hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
export const dateOnly = (iso: string) => local({ day: 'numeric', month: 'numeric', year: 'numeric' }).format(new Date(iso));
export const dayOf = (iso: string) => dayIn(new Date(iso), INSTALLATION_ZONE);

/** A `datetime-local` value (wall clock of the installation's zone) as an instant. */
export function localInstant(wallClock: string): string {
  // The zone's offset at that instant: a first guess as UTC, corrected by the offset there (twice, for a switch in between).
  let guess = Date.parse(`${wallClock}:00Z`);
  for (let i = 0; i < 2; i++) {
    const shown = local({ year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(
      new Date(guess),
    );
    const get = (t: string) => shown.find((p) => p.type === t)!.value;
    const asUtc = Date.parse(`${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:00Z`);
    guess -= asUtc - Date.parse(`${wallClock}:00Z`);
  }
  return new Date(guess).toISOString();
}

const SVG = 'http://www.w3.org/2000/svg';

/** A line chart of the recent readings; the figure's text says the latest value, for everyone. */
export function lineChart(title: string, values: number[], format: (v: number) => string): HTMLElement {
  const width = 300;
  const height = 80;
  const max = Math.max(1, ...values);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'chart');
  const line = document.createElementNS(SVG, 'polyline');
  const step = values.length > 1 ? width / (values.length - 1) : width;
  line.setAttribute('points', values.map((v, i) => `${(i * step).toFixed(1)},${(height - 4 - (v / max) * (height - 8)).toFixed(1)}`).join(' '));
  svg.append(line);
  const latest = values.length ? values[values.length - 1]! : 0;
  return h(
    'figure',
    { class: 'metric' },
    h('figcaption', {}, h('span', {}, title), h('strong', {}, format(latest))),
    svg,
    h('p', { class: 'hint' }, `max ${format(max)}`),
  );
}
