import { fill, formValues, h, notice } from '../../src/dom.js';
import { call } from '../session.js';
import { dateTime, input, problem } from '../ui.js';
import { direction, LANGUAGES, LANGUAGE_NAMES, type Language } from '../../../src/languages.js';

const PAGES: [string, string][] = [
  ['impressum', 'Impressum'],
  ['datenschutz', 'Datenschutzerklärung'],
  ['barrierefreiheit', 'Erklärung zur Barrierefreiheit'],
  ['leichte-sprache', 'Leichte Sprache: Übersicht'],
  ['leichte-sprache-buchen', 'Leichte Sprache: Buchen'],
  ['leichte-sprache-warteraum', 'Leichte Sprache: Warteraum'],
  ['leichte-sprache-absagen', 'Leichte Sprache: Absagen'],
  ['gebaerdensprache', 'Gebärdensprache'],
];

interface Source {
  markdown: string;
  from: 'console' | 'file' | 'none';
  updatedAt?: string;
  updatedBy?: string;
}

const FROM: Record<Source['from'], string> = {
  console: 'Text aus der Verwaltung',
  file: 'Datei des Betreibers oder mitgelieferte Vorlage',
  none: 'kein Text in dieser Sprache – Bürgerinnen und Bürger sehen die deutsche Fassung',
};

/** The legal and accessibility pages, per language: edit the Markdown, preview it as citizens will see it, save or go back to the file. */
export function textsPage(main: HTMLElement): void {
  const out = h('div', { 'aria-live': 'polite' });
  const origin = h('p', { class: 'hint' });
  const preview = h('div', { class: 'card preview', 'aria-labelledby': 'preview-title' });
  const editor: HTMLTextAreaElement = h('textarea', { id: 's-markdown', name: 'markdown', rows: 18, 'aria-describedby': 's-markdown-hint', spellcheck: true });
  const choose: HTMLFormElement = h(
    'form',
    { class: 'row', onsubmit: (e: Event) => (e.preventDefault(), void load()) },
    input({ name: 'page', label: 'Seite', options: PAGES }),
    input({ name: 'lang', label: 'Sprache', options: LANGUAGES.map((l): [string, string] => [l, LANGUAGE_NAMES[l]]) }),
    h('button', { type: 'submit', class: 'secondary' }, 'Laden'),
  );
  const chosen = () => formValues(choose) as { page: string; lang: Language };
  const path = () => `/api/v1/admin/pages/${chosen().page}/${chosen().lang}`;

  async function load(): Promise<void> {
    try {
      show(await call<Source>('GET', path()));
      fill(out);
      fill(preview);
    } catch (err) {
      fill(out, problem(err));
    }
  }
  function show(source: Source): void {
    editor.value = source.markdown;
    editor.lang = chosen().lang;
    editor.dir = direction(chosen().lang);
    fill(origin, `Quelle: ${FROM[source.from]}`, source.updatedAt ? ` · zuletzt ${dateTime(source.updatedAt)} von ${source.updatedBy}` : '');
  }
  const act = (run: () => Promise<void>) => async () => {
    try {
      await run();
    } catch (err) {
      fill(out, problem(err));
    }
  };
  const showPreview = act(async () => {
    const page = await call<{ title: string; html: string }>('POST', `${path()}/preview`, { markdown: editor.value });
    const body = h('div', { class: 'legal', lang: chosen().lang, dir: direction(chosen().lang) });
    // The server's rendering, as citizens get it: raw HTML in the Markdown is shown as text, odd links are dead.
    body.innerHTML = page.html;
    fill(preview, h('h2', { id: 'preview-title' }, 'Vorschau: ', h('span', { lang: chosen().lang }, page.title)), body);
    fill(out, notice('info', 'Das ist die Vorschau. Gespeichert ist noch nichts.'));
  });
  const save = act(async () => {
    show(await call<Source>('PUT', path(), { markdown: editor.value }));
    fill(out, notice('success', 'Gespeichert. Alle Server zeigen den Text spätestens in 5 Sekunden.'));
  });
  const reset = act(async () => {
    show(await call<Source>('DELETE', path()));
    fill(out, notice('success', 'Der Text aus der Verwaltung ist entfernt; es gilt wieder die Datei oder Vorlage.'));
  });

  fill(
    main,
    h('h1', { tabindex: -1 }, 'Rechtstexte'),
    h(
      'p',
      {},
      'Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit, Leichte Sprache und Gebärdensprache, je Sprache. Verbindlich ist die deutsche Fassung.',
    ),
    choose,
    h(
      'div',
      { class: 'card' },
      h('label', { for: 's-markdown' }, 'Text (Markdown)'),
      h(
        'p',
        { class: 'hint', id: 's-markdown-hint' },
        'Erste Zeile „# Titel“; Absätze durch Leerzeilen, „## “ für Zwischenüberschriften, „- “ für Listen, [Text](https://…) für Links.',
      ),
      editor,
      origin,
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', class: 'secondary', onclick: showPreview }, 'Vorschau'),
        h('button', { type: 'button', onclick: save }, 'Speichern'),
        h('button', { type: 'button', class: 'danger', onclick: reset }, 'Auf Datei oder Vorlage zurücksetzen'),
      ),
      out,
    ),
    preview,
  );
  void load();
}
