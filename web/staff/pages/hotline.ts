import { isLanguage, LANGUAGES, LANGUAGE_NAMES } from '../../../src/languages.js';
import { fill, formValues, h, notice } from '../../src/dom.js';
import { call } from '../session.js';
import { form, input, problem, time } from '../ui.js';
import { loadCampaigns } from './setup.js';

interface AgentCenter {
  id: number;
  name: string;
  address: string;
  distanceKm: number;
  days: { date: string; free: number; keptForPhone: number; slots: { id: number; startsAt: string; free: number; keptForPhone: number }[] }[];
}

const day = (iso: string) =>
  new Intl.DateTimeFormat('de-DE', { weekday: 'short', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(`${iso}T12:00:00Z`));
const parseDate = (text: string) => {
  const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text.trim());
  return m ? `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}` : text.trim();
};

/** The hotline agent: find a free slot near the caller, book it with the caller's details, confirm by SMS or letter. */
export async function hotlinePage(main: HTMLElement): Promise<void> {
  let campaigns: Awaited<ReturnType<typeof loadCampaigns>>;
  try {
    campaigns = await loadCampaigns();
  } catch (err) {
    fill(main, h('h1', {}, 'Hotline'), problem(err));
    return;
  }
  const results = h('div');
  const booking = h('div');
  let chosen: { slotId: number; label: string } | null = null;

  const search: HTMLFormElement = h(
    'form',
    { class: 'card', onsubmit: (e: Event) => (e.preventDefault(), void find()) },
    h('h2', {}, '1. Freie Termine finden'),
    input({ name: 'campaignId', label: 'Kampagne', options: campaigns.map((c) => [String(c.id), c.name]) }),
    input({ name: 'postalCode', label: 'Postleitzahl des Anrufers', required: true }),
    h('button', { type: 'submit' }, 'Suchen'),
  );

  async function find(): Promise<void> {
    const v = formValues(search);
    try {
      const r = await call<{ centers: AgentCenter[] }>(
        'GET',
        `/api/v1/agent/availability?campaignId=${v.campaignId}&postalCode=${encodeURIComponent(v.postalCode ?? '')}`,
      );
      fill(
        results,
        r.centers.length === 0
          ? notice('info', 'Keine freien Termine in der Nähe.')
          : r.centers.map((c) =>
              h(
                'section',
                { class: 'card', 'aria-labelledby': `c-${c.id}` },
                h('h3', { id: `c-${c.id}` }, `${c.name} (${c.distanceKm.toLocaleString('de-DE')} km)`),
                h('p', {}, c.address),
                c.days.slice(0, 14).map((d) =>
                  h(
                    'details',
                    {},
                    h('summary', {}, `${day(d.date)}: ${d.free} frei${d.keptForPhone ? `, davon ${d.keptForPhone} für die Hotline` : ''}`),
                    h(
                      'div',
                      { class: 'row' },
                      d.slots.map((s) =>
                        h(
                          'button',
                          { type: 'button', class: 'slot', onclick: () => choose(s.id, `${c.name}, ${day(d.date)}, ${time(s.startsAt)} Uhr`) },
                          `${time(s.startsAt)} (${s.free})`,
                        ),
                      ),
                    ),
                  ),
                ),
              ),
            ),
      );
    } catch (err) {
      fill(results, problem(err));
    }
  }

  function choose(slotId: number, label: string): void {
    chosen = { slotId, label };
    const el = form(
      '2. Für den Anrufer buchen',
      [
        { name: 'firstName', label: 'Vorname', required: true },
        { name: 'lastName', label: 'Nachname', required: true },
        { name: 'dateOfBirth', label: 'Geburtsdatum (TT.MM.JJJJ)', required: true },
        { name: 'postalCode', label: 'Postleitzahl', value: formValues(search).postalCode, required: true },
        { name: 'phone', label: 'Handynummer' },
        { name: 'email', label: 'E-Mail' },
        {
          name: 'sendBy',
          label: 'Bestätigung per',
          options: [
            ['letter', 'Brief (zum Drucken)'],
            ['sms', 'SMS'],
            ['email', 'E-Mail'],
          ],
        },
        // The caller's language: the SMS, e-mail or letter is written in it.
        { name: 'locale', label: 'Sprache der Bestätigung', options: LANGUAGES.map((l) => [l, LANGUAGE_NAMES[l]] as [string, string]) },
      ],
      'Verbindlich buchen',
      async (v) => {
        const r = await call<{ bookingCode: string; letter: string; sendBy: string }>('POST', '/api/v1/agent/bookings', {
          slotId: chosen!.slotId,
          sendBy: v.sendBy,
          ...(isLanguage(v.locale) ? { locale: v.locale } : {}),
          person: {
            firstName: v.firstName,
            lastName: v.lastName,
            dateOfBirth: parseDate(v.dateOfBirth ?? ''),
            postalCode: v.postalCode,
            ...(v.phone ? { phone: v.phone } : {}),
            ...(v.email ? { email: v.email } : {}),
          },
        });
        return h(
          'div',
          {},
          notice(
            'success',
            h('p', {}, 'Gebucht. Buchungscode: ', h('strong', { class: 'booking-code' }, r.bookingCode)),
            h('p', {}, r.sendBy === 'letter' ? 'Brief zum Drucken:' : `Bestätigung geht per ${r.sendBy === 'sms' ? 'SMS' : 'E-Mail'} raus. Brieftext:`),
          ),
          h('pre', { class: 'letter' }, r.letter),
          h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, 'Brief drucken'),
        );
      },
    );
    const title = el.querySelector<HTMLElement>('h2')!;
    title.setAttribute('tabindex', '-1');
    title.after(h('p', {}, h('strong', {}, chosen.label)));
    fill(booking, el);
    title.focus();
  }

  fill(
    main,
    h('h1', { tabindex: -1 }, 'Hotline: für Anrufer buchen'),
    h('p', {}, 'Buchungen hier gehen nicht durch den Warteraum und nutzen den für die Hotline reservierten Anteil.'),
    search,
    results,
    booking,
  );
}
