import { word } from '../words.js';
import { t, staffLocale } from '../i18n.js';
import { isLanguage } from '../../../src/languages.js';
import { fill, formValues, h, notice } from '../../src/dom.js';
import { call } from '../session.js';
import { form, input, languageOptions, problem, time } from '../ui.js';
import { loadCampaigns } from './setup.js';

interface AgentCenter {
  id: number;
  name: string;
  address: string;
  distanceKm: number;
  days: { date: string; free: number; keptForPhone: number; slots: { id: number; startsAt: string; free: number; keptForPhone: number }[] }[];
}

const day = (iso: string) =>
  new Intl.DateTimeFormat(staffLocale(), { weekday: 'short', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(`${iso}T12:00:00Z`));
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
    fill(main, h('h1', {}, t('Hotline')), problem(err));
    return;
  }
  const results = h('div');
  const booking = h('div');
  let chosen: { slotId: number; label: string } | null = null;

  const search: HTMLFormElement = h(
    'form',
    { class: 'card', onsubmit: (e: Event) => (e.preventDefault(), void find()) },
    h('h2', {}, t('1. Freie Termine finden')),
    input({ name: 'campaignId', label: t('Kampagne'), options: campaigns.map((c) => [String(c.id), c.name]) }),
    input({ name: 'postalCode', label: t('Postleitzahl des Anrufers'), required: true }),
    h('button', { type: 'submit' }, t('Suchen')),
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
          ? notice('info', t('Keine freien Termine in der Nähe.'))
          : r.centers.map((c) =>
              h(
                'section',
                { class: 'card', 'aria-labelledby': `c-${c.id}` },
                h('h3', { id: `c-${c.id}` }, `${c.name} (${c.distanceKm.toLocaleString(staffLocale())} km)`),
                h('p', {}, c.address),
                c.days.slice(0, 14).map((d) =>
                  h(
                    'details',
                    {},
                    h(
                      'summary',
                      {},
                      d.keptForPhone
                        ? t('{day}: {free} frei, davon {kept} für die Hotline', { day: day(d.date), free: d.free, kept: d.keptForPhone })
                        : t('{day}: {free} frei', { day: day(d.date), free: d.free }),
                    ),
                    h(
                      'div',
                      { class: 'row' },
                      d.slots.map((s) =>
                        h(
                          'button',
                          {
                            type: 'button',
                            class: 'slot',
                            onclick: () => choose(s.id, t('{center}, {day}, {time} Uhr', { center: c.name, day: day(d.date), time: time(s.startsAt) })),
                          },
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
      t('2. Für den Anrufer buchen'),
      [
        { name: 'firstName', label: t('Vorname'), required: true },
        { name: 'lastName', label: t('Nachname'), required: true },
        { name: 'dateOfBirth', label: t('Geburtsdatum (TT.MM.JJJJ)'), required: true },
        { name: 'postalCode', label: t('Postleitzahl'), value: formValues(search).postalCode, required: true },
        { name: 'phone', label: t('Handynummer') },
        { name: 'email', label: t('E-Mail') },
        {
          name: 'sendBy',
          label: t('Bestätigung per'),
          options: [
            ['letter', t('Brief (zum Drucken)')],
            ['sms', 'SMS'],
            ['email', t('E-Mail')],
          ],
        },
        // The caller's language: the SMS, e-mail or letter is written in it.
        { name: 'locale', label: t('Sprache der Bestätigung'), options: languageOptions() },
      ],
      t('Verbindlich buchen'),
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
            h('p', {}, t('Gebucht. Buchungscode: '), h('strong', { class: 'booking-code' }, r.bookingCode)),
            h(
              'p',
              {},
              r.sendBy === 'letter' ? t('Brief zum Drucken:') : t('Bestätigung geht per {channel} raus. Brieftext:', { channel: word('channel', r.sendBy) }),
            ),
          ),
          h('pre', { class: 'letter' }, r.letter),
          h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('Brief drucken')),
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
    h('h1', { tabindex: -1 }, t('Hotline: für Anrufer buchen')),
    h('p', {}, t('Buchungen hier gehen nicht durch den Warteraum und nutzen den für die Hotline reservierten Anteil.')),
    search,
    results,
    booking,
  );
}
