import { t } from '../i18n.js';
import { word } from '../words.js';
import { fill, formValues, h, notice } from '../../src/dom.js';
import { call } from '../session.js';
import { dateTime, input, problem, table } from '../ui.js';
import { loadCenters } from './setup.js';

interface Message {
  id: number;
  kind: string;
  channel: string;
  recipient: string;
  state: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

/** The message log and the dead letters, with a retry for each. */
export async function messagesPage(main: HTMLElement): Promise<void> {
  const listing = h('div');
  const filter: HTMLFormElement = h(
    'form',
    { class: 'row', onsubmit: (e: Event) => (e.preventDefault(), void refresh()) },
    input({
      name: 'state',
      label: t('Zustand'),
      options: [
        ['failed', `${word('message', 'failed')} (dead letters)`],
        ['', t('alle')],
        ['queued', word('message', 'queued')],
        ['sent', word('message', 'sent')],
      ],
    }),
    input({ name: 'recipient', label: t('Empfänger') }),
    h('button', { type: 'submit', class: 'secondary' }, t('Anzeigen')),
  );
  async function refresh(): Promise<void> {
    const v = formValues(filter);
    const query = new URLSearchParams({ limit: '200', ...(v.state ? { state: v.state } : {}), ...(v.recipient ? { recipient: v.recipient } : {}) });
    const { messages } = await call<{ messages: Message[] }>('GET', `/api/v1/admin/messages?${query}`);
    fill(
      listing,
      table(
        [t('Nr.'), t('Art'), t('Kanal'), t('Empfänger'), t('Zustand'), t('Versuche'), t('Fehler'), t('Erstellt'), t('Aktion')],
        messages.map((m) => [
          m.id,
          word('kind', m.kind),
          word('channel', m.channel),
          m.recipient,
          word('message', m.state),
          m.attempts,
          m.lastError,
          dateTime(m.createdAt),
          m.state === 'failed'
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  onclick: async () => {
                    try {
                      await call('POST', `/api/v1/admin/messages/${m.id}/retry`);
                      await refresh();
                    } catch (err) {
                      fill(listing, problem(err));
                    }
                  },
                },
                t('Erneut senden'),
              )
            : null,
        ]),
        t('Nachrichten'),
      ),
    );
  }
  fill(main, h('h1', { tabindex: -1 }, t('Nachrichten')), filter, listing);
  await refresh().catch((err) => fill(listing, problem(err)));
}

/** CSV per centre and day. */
export async function exportsPage(main: HTMLElement): Promise<void> {
  let centers: Awaited<ReturnType<typeof loadCenters>>;
  try {
    centers = await loadCenters();
  } catch (err) {
    fill(main, h('h1', {}, t('Exporte')), problem(err));
    return;
  }
  const link = h('p', {});
  const el: HTMLFormElement = h(
    'form',
    {
      class: 'card',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const v = formValues(el);
        fill(
          link,
          h(
            'a',
            { href: `/api/v1/admin/exports/appointments.csv?centerId=${v.centerId}&day=${v.day}`, download: `termine-${v.centerId}-${v.day}.csv` },
            t('Termine {day} herunterladen (CSV)', { day: v.day ?? '' }),
          ),
        );
      },
    },
    h('h2', {}, t('Termine eines Tages als CSV')),
    input({ name: 'centerId', label: t('Impfzentrum'), options: centers.map((c) => [String(c.id), c.name]) }),
    input({ name: 'day', label: t('Tag'), type: 'date', value: new Date().toISOString().slice(0, 10), required: true }),
    h('button', { type: 'submit' }, t('Export vorbereiten')),
    link,
  );
  fill(main, h('h1', { tabindex: -1 }, t('Exporte')), el);
}

/** The audit log. */
export async function auditPage(main: HTMLElement): Promise<void> {
  const listing = h('div');
  fill(main, h('h1', { tabindex: -1 }, t('Protokoll')), listing);
  try {
    const { entries } = await call<{ entries: { id: number; at: string; actor: string; action: string; target: unknown; before: unknown; after: unknown }[] }>(
      'GET',
      '/api/v1/admin/audit?limit=200',
    );
    const short = (v: unknown) => (v === null ? '' : JSON.stringify(v).slice(0, 160));
    fill(
      listing,
      table(
        [t('Zeit'), t('Wer'), t('Was'), t('Ziel'), t('Vorher'), t('Nachher')],
        entries.map((e) => [dateTime(e.at), e.actor, e.action, short(e.target), short(e.before), short(e.after)]),
        t('Letzte 200 Einträge'),
      ),
    );
  } catch (err) {
    fill(listing, problem(err));
  }
}

interface BarrierReport {
  id: number;
  createdAt: string;
  page: string | null;
  message: string;
  contact: string | null;
  state: 'new' | 'done';
  doneAt: string | null;
  doneBy: string | null;
}

/** Reports of barriers from the accessibility statement's form: the open ones first, each marked done once dealt with. */
export async function barrierReportsPage(main: HTMLElement): Promise<void> {
  const listing = h('div');
  const out = h('div', { 'aria-live': 'polite' });
  fill(
    main,
    h('h1', { tabindex: -1 }, t('Barriere-Meldungen')),
    h('p', {}, t('Was Bürgerinnen und Bürger über die Erklärung zur Barrierefreiheit melden. Die Kontaktangabe wird nach der Aufbewahrungsfrist gelöscht.')),
    out,
    listing,
  );
  async function refresh(): Promise<void> {
    const [open, done] = await Promise.all([
      call<{ reports: BarrierReport[] }>('GET', '/api/v1/admin/barrier-reports?state=new'),
      call<{ reports: BarrierReport[] }>('GET', '/api/v1/admin/barrier-reports?state=done'),
    ]);
    const markDone = (r: BarrierReport) => async () => {
      try {
        await call('POST', `/api/v1/admin/barrier-reports/${r.id}/done`);
        fill(out, notice('success', t('Meldung {id} ist erledigt.', { id: r.id })));
        await refresh();
      } catch (err) {
        fill(out, problem(err));
      }
    };
    fill(
      listing,
      open.reports.length
        ? table(
            [t('Nr.'), t('Eingang'), t('Seite'), t('Meldung'), t('Kontakt'), t('Aktion')],
            open.reports.map((r) => [
              r.id,
              dateTime(r.createdAt),
              r.page ?? '–',
              h('span', { class: 'paragraphs' }, r.message),
              r.contact ?? '–',
              h('button', { type: 'button', class: 'secondary', onclick: markDone(r) }, t('Erledigt')),
            ]),
            t('Offen: {count}', { count: open.reports.length }),
          )
        : h('p', {}, t('Keine offenen Meldungen.')),
      done.reports.length
        ? table(
            [t('Nr.'), t('Eingang'), t('Seite'), t('Meldung'), t('Erledigt')],
            done.reports.map((r) => [
              r.id,
              dateTime(r.createdAt),
              r.page ?? '–',
              h('span', { class: 'paragraphs' }, r.message),
              `${dateTime(r.doneAt!)} (${r.doneBy})`,
            ]),
            t('Erledigt: {count}', { count: done.reports.length }),
          )
        : null,
    );
  }
  try {
    await refresh();
  } catch (err) {
    fill(listing, problem(err));
  }
}
