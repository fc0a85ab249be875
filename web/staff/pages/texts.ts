import { t } from '../i18n.js';
import { fill, formValues, h, notice } from '../../src/dom.js';
import { call } from '../session.js';
import { dateTime, guarded, input, languageOptions, problem } from '../ui.js';
import { direction, type Language } from '../../../src/languages.js';

const PAGES: [string, string][] = [
  ['impressum', t('Impressum')],
  ['datenschutz', t('Datenschutzerklärung')],
  ['barrierefreiheit', t('Erklärung zur Barrierefreiheit')],
  ['leichte-sprache', t('Leichte Sprache: Übersicht')],
  ['leichte-sprache-buchen', t('Leichte Sprache: Buchen')],
  ['leichte-sprache-warteraum', t('Leichte Sprache: Warteraum')],
  ['leichte-sprache-absagen', t('Leichte Sprache: Absagen')],
  ['gebaerdensprache', t('Gebärdensprache')],
];

interface Source {
  markdown: string;
  from: 'console' | 'file' | 'none';
  updatedAt?: string;
  updatedBy?: string;
}

const FROM: Record<Source['from'], string> = {
  console: t('Text aus der Verwaltung'),
  file: t('Datei des Betreibers oder mitgelieferte Vorlage'),
  none: t('kein Text in dieser Sprache – Bürgerinnen und Bürger sehen die deutsche Fassung'),
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
    input({ name: 'page', label: t('Seite'), options: PAGES }),
    input({ name: 'lang', label: t('Sprache'), options: languageOptions() }),
    h('button', { type: 'submit', class: 'secondary' }, t('Laden')),
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
    fill(
      origin,
      t('Quelle: {from}', { from: FROM[source.from] }),
      source.updatedAt ? t(' · zuletzt {when} von {who}', { when: dateTime(source.updatedAt), who: source.updatedBy ?? '' }) : '',
    );
  }
  const act = (run: () => Promise<void>) => guarded(out, run);
  const showPreview = act(async () => {
    const page = await call<{ title: string; html: string }>('POST', `${path()}/preview`, { markdown: editor.value });
    const body = h('div', { class: 'legal', lang: chosen().lang, dir: direction(chosen().lang) });
    // The server's rendering, as citizens get it: raw HTML in the Markdown is shown as text, odd links are dead.
    body.innerHTML = page.html;
    fill(preview, h('h2', { id: 'preview-title' }, t('Vorschau: '), h('span', { lang: chosen().lang }, page.title)), body);
    fill(out, notice('info', t('Das ist die Vorschau. Gespeichert ist noch nichts.')));
  });
  const save = act(async () => {
    show(await call<Source>('PUT', path(), { markdown: editor.value }));
    fill(out, notice('success', t('Gespeichert. Alle Server zeigen den Text spätestens in 5 Sekunden.')));
  });
  const reset = act(async () => {
    show(await call<Source>('DELETE', path()));
    fill(out, notice('success', t('Der Text aus der Verwaltung ist entfernt; es gilt wieder die Datei oder Vorlage.')));
  });

  fill(
    main,
    h('h1', { tabindex: -1 }, t('Rechtstexte')),
    h(
      'p',
      {},
      t(
        'Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit, Leichte Sprache und Gebärdensprache, je Sprache. Verbindlich ist die deutsche Fassung.',
      ),
    ),
    choose,
    h(
      'div',
      { class: 'card' },
      h('label', { for: 's-markdown' }, t('Text (Markdown)')),
      h(
        'p',
        { class: 'hint', id: 's-markdown-hint' },
        t('Erste Zeile „# Titel“; Absätze durch Leerzeilen, „## “ für Zwischenüberschriften, „- “ für Listen, [Text](https://…) für Links.'),
      ),
      editor,
      origin,
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', class: 'secondary', onclick: showPreview }, t('Vorschau')),
        h('button', { type: 'button', onclick: save }, t('Speichern')),
        h('button', { type: 'button', class: 'danger', onclick: reset }, t('Auf Datei oder Vorlage zurücksetzen')),
      ),
      out,
    ),
    preview,
  );
  void load();
}
