import { LANGUAGES, LANGUAGE_NAMES } from '../../src/languages.js';
import { t, staffLocale } from './i18n.js';
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

/** An action whose failure is shown in `out` (the server's complaint, or that it cannot be reached). */
export const guarded = (out: HTMLElement, run: () => Promise<void>) => async (): Promise<void> => {
  try {
    await run();
  } catch (err) {
    fill(out, problem(err));
  }
};

/** Every language citizens can use, by its own name, as options of a select. */
export const languageOptions = (): [string, string][] => LANGUAGES.map((l): [string, string] => [l, LANGUAGE_NAMES[l]]);

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
  return notice('problem', t('Der Server ist nicht erreichbar.'));
}

export function table(headers: string[], rows: (string | number | Node | null)[][], caption?: string): HTMLElement {
  return h(
    'div',
    // A wide table scrolls sideways: the region can be reached and scrolled with the keyboard.
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption ?? headers.join(', ') },
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
            // Each cell names its column: on a phone a row becomes a card of "column: value" lines.
            r.map((c, i) => h('td', { 'data-label': headers[i] ?? '' }, c ?? '')),
          ),
        ),
      ),
    ),
  );
}

// The console works in the installation's zone (the hotline's, and release instants'): the server's one constant.
const local = (options: Intl.DateTimeFormatOptions) => formatter(staffLocale(), INSTALLATION_ZONE, options);
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

/** A point of a chart: when it was read, and the value. */
export interface ChartPoint {
  at: number;
  value: number;
}

/**
 * A line chart of the recent readings with its axes: time along the bottom (the first and last reading's
 * clock time), the value up the side (0 and the highest, in the unit). The caption says the title, the
 * unit and the current value, for everyone; the drawing itself is hidden from screen readers.
 */
export function lineChart(title: string, unit: string, points: ChartPoint[], format: (v: number) => string): HTMLElement {
  const [width, height, left, bottom, top, right] = [320, 112, 44, 88, 8, 8];
  const highest = Math.max(0, ...points.map((p) => p.value));
  const max = Math.max(1, highest); // the scale: a flat line of zeros still has a height to sit in
  const first = points[0]?.at ?? Date.now();
  const last = points[points.length - 1]?.at ?? first;
  const span = Math.max(1, last - first);
  const x = (at: number) => left + ((at - first) / span) * (width - left - right);
  const y = (v: number) => bottom - (v / max) * (bottom - top);
  const svg = element('svg', { viewBox: `0 0 ${width} ${height}`, 'aria-hidden': 'true', class: 'chart' });
  svg.append(
    element('line', { x1: left, y1: bottom, x2: width - right, y2: bottom, class: 'axis' }),
    element('line', { x1: left, y1: top, x2: left, y2: bottom, class: 'axis' }),
    label(left - 4, top + 4, format(max), 'end'),
    label(left - 4, bottom, format(0), 'end'),
    label(left, height - 6, clock(first), 'start'),
    label(width - right, height - 6, clock(last), 'end'),
    element('polyline', { points: points.map((p) => `${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ') }),
  );
  const latest = points.length ? points[points.length - 1]!.value : 0;
  return h(
    'figure',
    { class: 'metric' },
    h('figcaption', {}, h('span', {}, `${title} (${unit})`), h('strong', {}, t('jetzt {value}', { value: format(latest) }))),
    svg,
    h('p', { class: 'hint' }, t('höchster Wert {value} · {from}–{to} Uhr', { value: format(highest), from: clock(first), to: clock(last) })),
  );
}

const clock = (at: number) => local({ hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(at));

function element(name: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function label(x: number, y: number, text: string, anchor: 'start' | 'end'): SVGElement {
  const el = element('text', { x, y, 'text-anchor': anchor, class: 'axis-label' });
  el.textContent = text;
  return el;
}
