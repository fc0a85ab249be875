import { t, staffLocale } from '../i18n.js';
import { fill, h } from '../../src/dom.js';
import { call } from '../session.js';
import { lineChart, problem, table, type ChartPoint } from '../ui.js';
import { errorRate, p95Between, type HttpReading } from '../rates.js';
import { word } from '../words.js';

interface Reading {
  at: string;
  rooms: {
    releaseId: number;
    state: string;
    waiting: number;
    active: number;
    admittedTotal: number;
    admissionsPerSecond: number;
    remainingFirstDoses: number;
  }[];
  bookings: { active: number; cancelled: number; phone: number; perMinute: { minute: string; n: number }[] };
  centers: { id: number; name: string; free: number; upcoming: number }[];
  outbox: { backlog: { channel: string; priority: number; queued: number; oldest_seconds: number }[]; oldestCodeSeconds: number };
  http: HttpReading;
}

/** Readings kept for the charts: five minutes at one every three seconds. */
const KEEP = 100;
const EVERY_MS = 3000;

/** The live dashboard: charts that follow the release every few seconds. */
export function dashboardPage(main: HTMLElement): () => void {
  const history: { at: number; reading: Reading }[] = [];
  const charts = h('div', { class: 'charts' });
  const details = h('div');
  const status = h('p', { class: 'hint', 'aria-live': 'off' });
  fill(main, h('h1', { tabindex: -1 }, t('Live-Übersicht')), status, charts, details);
  let timer = 0;
  let stopped = false;

  const series = (pick: (r: Reading, previous: { at: number; reading: Reading } | undefined, at: number) => number): ChartPoint[] =>
    history.map((x, i) => ({ at: x.at, value: pick(x.reading, history[i - 1], x.at) }));
  const sum = <T>(list: T[], f: (x: T) => number) => list.reduce((n, x) => n + f(x), 0);

  async function tick(): Promise<void> {
    try {
      const reading = await call<Reading>('GET', '/api/v1/admin/dashboard');
      history.push({ at: Date.now(), reading });
      if (history.length > KEEP) history.shift();
      render(reading);
      status.textContent = t('Stand {time} · aktualisiert alle {seconds} s', {
        time: new Date(reading.at).toLocaleTimeString(staffLocale()),
        seconds: EVERY_MS / 1000,
      });
    } catch (err) {
      fill(details, problem(err));
    }
    if (!stopped) timer = window.setTimeout(() => void tick(), EVERY_MS);
  }

  function render(r: Reading): void {
    const perMinute = (x: Reading, prev: { at: number; reading: Reading } | undefined, at: number) =>
      prev
        ? Math.max(0, ((x.bookings.active + x.bookings.cancelled - prev.reading.bookings.active - prev.reading.bookings.cancelled) * 60_000) / (at - prev.at))
        : 0;
    fill(
      charts,
      lineChart(
        t('Warteschlange'),
        t('Personen'),
        series((x) => sum(x.rooms, (room) => room.waiting)),
        (v) => v.toLocaleString(staffLocale()),
      ),
      lineChart(
        t('Einlass'),
        t('Personen pro Sekunde'),
        series((x) => sum(x.rooms, (room) => room.admissionsPerSecond)),
        (v) => v.toLocaleString(staffLocale(), { maximumFractionDigits: 1 }),
      ),
      lineChart(
        t('Aktive Sitzungen'),
        t('Personen beim Buchen'),
        series((x) => sum(x.rooms, (room) => room.active)),
        (v) => v.toLocaleString(staffLocale()),
      ),
      lineChart(t('Buchungen'), t('pro Minute'), series(perMinute), (v) => v.toLocaleString(staffLocale(), { maximumFractionDigits: 0 })),
      lineChart(
        t('Codes in Warteschlange'),
        t('Nachrichten'),
        series((x) =>
          sum(
            x.outbox.backlog.filter((b) => b.priority === 0),
            (b) => b.queued,
          ),
        ),
        (v) => v.toLocaleString(staffLocale()),
      ),
      lineChart(
        t('Nachrichten in Warteschlange'),
        t('Nachrichten'),
        series((x) => sum(x.outbox.backlog, (b) => b.queued)),
        (v) => v.toLocaleString(staffLocale()),
      ),
      lineChart(
        t('Fehlerquote'),
        t('% der Antworten 5xx'),
        series((x, prev) => (prev ? errorRate(prev.reading.http, x.http) * 100 : 0)),
        (v) => `${v.toLocaleString(staffLocale(), { maximumFractionDigits: 2 })} %`,
      ),
      lineChart(
        t('p95 Antwortzeit'),
        t('Millisekunden'),
        series((x, prev) => {
          const p = prev ? p95Between(prev.reading.http, x.http) : null;
          return p === null || !Number.isFinite(p) ? 0 : p * 1000;
        }),
        (v) => `${v.toLocaleString(staffLocale())} ms`,
      ),
    );
    fill(
      details,
      h('h2', {}, t('Warteräume')),
      r.rooms.length
        ? table(
            [t('Freigabe'), t('Zustand'), t('Wartend'), t('Aktiv'), t('Eingelassen'), 'Einlass/s', t('Freie Erstimpfungen')],
            r.rooms.map((x) => [x.releaseId, word('room', x.state), x.waiting, x.active, x.admittedTotal, x.admissionsPerSecond, x.remainingFirstDoses]),
          )
        : h('p', {}, t('Keine Warteräume.')),
      h('h2', {}, t('Freie Kapazität je Zentrum')),
      table(
        [t('Zentrum'), t('Frei (freigegeben)'), t('Noch nicht freigegeben')],
        r.centers.map((c) => [c.name, c.free, c.upcoming]),
      ),
      h('h2', {}, t('Buchungen')),
      h(
        'p',
        {},
        t('{active} aktiv (davon {phone} telefonisch), {cancelled} storniert. Ältester wartender Code: {seconds} s.', {
          active: r.bookings.active,
          phone: r.bookings.phone,
          cancelled: r.bookings.cancelled,
          seconds: Math.round(r.outbox.oldestCodeSeconds),
        }),
      ),
    );
  }

  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
