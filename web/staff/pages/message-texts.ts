import { t } from '../i18n.js';
import { fill, formValues, h, notice } from '../../src/dom.js';
import { call } from '../session.js';
import { dateTime, guarded, input, languageOptions } from '../ui.js';
import { direction, type Language } from '../../../src/languages.js';
import { word } from '../words.js';

/** What each text is, for the people who edit it. */
const LABELS: Record<string, string> = {
  at: t('Zeitpunkt im Satz ({when})'),
  dose: t('Zeile je Termin'),
  codeSubject: t('Code: Betreff der E-Mail'),
  code: t('Code: erster Satz'),
  codeValid: t('Code: Gültigkeit und Warnung'),
  codeSms: t('Code: SMS'),
  confirmationSubject: t('Bestätigung: Betreff'),
  booked: t('Bestätigung: erster Satz'),
  bookingCode: t('Bestätigung: Buchungscode'),
  bring: t('Bestätigung: was mitbringen, wie absagen'),
  confirmationSms: t('Bestätigung: SMS'),
  cancellationSubject: t('Absage: Betreff'),
  cancelled: t('Absage: erster Satz'),
  reminderSubject: t('Erinnerung: Betreff'),
  reminder: t('Erinnerung: erster Satz'),
  offerSubject: t('Wartelisten-Angebot: Betreff'),
  offer: t('Wartelisten-Angebot: der Termin'),
  offerDeadline: t('Wartelisten-Angebot: Frist'),
  offerOtherwise: t('Wartelisten-Angebot: ohne Antwort'),
  offerSms: t('Wartelisten-Angebot: SMS'),
};

interface Listing {
  texts: { key: string; shipped: string; text: string; updatedAt?: string; updatedBy?: string }[];
}

/** The messages' texts per language: change them, see every message on a sample booking, save or go back to the shipped texts. */
export function messageTextsPage(main: HTMLElement): void {
  const out = h('div', { 'aria-live': 'polite' });
  const fields = h('div');
  const preview = h('div');
  const choose: HTMLFormElement = h(
    'form',
    { class: 'row', onsubmit: (e: Event) => (e.preventDefault(), void load()) },
    input({ name: 'lang', label: t('Sprache'), options: languageOptions() }),
    h('button', { type: 'submit', class: 'secondary' }, t('Laden')),
  );
  const lang = () => formValues(choose).lang as Language;
  let shown: Listing = { texts: [] };

  const edited = (): Record<string, string> => {
    const changed: Record<string, string> = {};
    fields.querySelectorAll<HTMLTextAreaElement>('textarea').forEach((area) => {
      const before = shown.texts.find((t) => t.key === area.name)!;
      if (area.value !== before.text) changed[area.name] = area.value;
    });
    return changed;
  };

  function show(listing: Listing): void {
    shown = listing;
    const l = lang();
    fill(
      fields,
      listing.texts.map((x) =>
        h(
          'div',
          { class: 'field' },
          h('label', { for: `t-${x.key}` }, LABELS[x.key] ?? x.key),
          h(
            'p',
            { class: 'hint', id: `t-${x.key}-hint` },
            x.updatedAt ? t('geändert {when} von {who} · ', { when: dateTime(x.updatedAt), who: x.updatedBy ?? '' }) : t('mitgelieferter Text · '),
            t('Platzhalter: {list}', { list: [...x.shipped.matchAll(/\{\w+\}/g)].map((m) => m[0]).join(' ') || t('keine') }),
          ),
          h(
            'textarea',
            { id: `t-${x.key}`, name: x.key, rows: x.text.length > 90 ? 3 : 1, lang: l, dir: direction(l), 'aria-describedby': `t-${x.key}-hint` },
            x.text,
          ),
        ),
      ),
    );
  }
  const act = (run: () => Promise<void>) => guarded(out, run);
  async function load(): Promise<void> {
    await act(async () => {
      show(await call<Listing>('GET', `/api/v1/admin/message-texts/${lang()}`));
      fill(out);
      fill(preview);
    })();
  }
  const showPreview = act(async () => {
    const l = lang();
    const r = await call<{ messages: { kind: string; channel: string; subject: string; text: string }[] }>('POST', `/api/v1/admin/message-texts/${l}/preview`, {
      texts: edited(),
    });
    fill(
      preview,
      h('h2', {}, t('Vorschau (Beispielbuchung, nichts gespeichert)')),
      r.messages.map((m) =>
        h(
          'section',
          { class: 'card' },
          h('h3', {}, `${word('kind', m.kind)} · ${word('channel', m.channel)}`),
          m.subject ? h('p', { lang: l, dir: direction(l) }, h('strong', {}, m.subject)) : null,
          h('pre', { class: 'letter', lang: l, dir: direction(l) }, m.text),
        ),
      ),
    );
  });
  const save = act(async () => {
    const changed = edited();
    if (Object.keys(changed).length === 0) return void fill(out, notice('info', t('Nichts geändert.')));
    show(await call<Listing>('PUT', `/api/v1/admin/message-texts/${lang()}`, { texts: changed }));
    fill(out, notice('success', t('Gespeichert ({count}). Alle Server verwenden die Texte spätestens in 5 Sekunden.', { count: Object.keys(changed).length })));
  });
  const reset = act(async () => {
    show(await call<Listing>('DELETE', `/api/v1/admin/message-texts/${lang()}`));
    fill(out, notice('success', t('Alle Texte dieser Sprache sind wieder die mitgelieferten.')));
  });

  fill(
    main,
    h('h1', { tabindex: -1 }, t('Nachrichtentexte')),
    h('p', {}, t('Die Texte der E-Mails und SMS an Bürgerinnen und Bürger, je Sprache. Platzhalter in geschweiften Klammern müssen bleiben.')),
    choose,
    h(
      'form',
      { class: 'card', onsubmit: (e: Event) => (e.preventDefault(), void save()) },
      fields,
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', class: 'secondary', onclick: showPreview }, t('Vorschau')),
        h('button', { type: 'submit' }, t('Speichern')),
        h('button', { type: 'button', class: 'danger', onclick: reset }, t('Alle auf mitgelieferte Texte zurücksetzen')),
      ),
      out,
    ),
    preview,
  );
  void load();
}
