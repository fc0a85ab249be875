import { run, type Db } from '../db/pool.js';
import { backlog, oldestCodeAge } from '../notify/repo.js';
import type { QueueView } from '../queue/view.js';
import type { AvailabilityView } from '../availability/view.js';
import { formatBookingCode } from '../booking/code.js';
import { summariseHttp } from './http-summary.js';
import * as sql from './repo.js';

export interface ReportSources {
  db: Db;
  queueView: QueueView;
  availability: AvailabilityView;
  metricsText: () => Promise<string>;
}

/** What staff read about a release day: the dashboard's one reading and the exports. */
export function reportService(deps: ReportSources) {
  return {
    /** One reading for the live dashboard: line, admissions, bookings, capacity, messages, requests. */
    async dashboard() {
      const now = deps.availability.now(); // the database's clock, which set the admissions' ends
      const [perMinute, totals, centers, outbox, codeAge, metrics] = await Promise.all([
        run<{ minute: Date; n: number }>(deps.db, sql.bookingsPerMinute(30)),
        run(deps.db, sql.bookingTotals()),
        run(deps.db, sql.remainingPerCenter()),
        run(deps.db, backlog()),
        run<{ seconds: number }>(deps.db, oldestCodeAge()),
        deps.metricsText(),
      ]);
      return {
        at: new Date(now).toISOString(),
        rooms: deps.queueView.rooms().map((m) => ({
          releaseId: m.room.release_id,
          state: m.room.state,
          waiting: m.waitingTotal(),
          active: m.activeAdmissions(now),
          admittedTotal: m.room.admitted_total,
          admissionsPerSecond: Math.round(m.admissionRate() * 100) / 100,
          abandoned: m.abandoned,
          remainingFirstDoses: deps.availability.releaseFree(m.room.release_id),
        })),
        bookings: { ...totals.rows[0], perMinute: perMinute.rows.map((r) => ({ minute: r.minute.toISOString(), n: r.n })) },
        centers: centers.rows,
        outbox: { backlog: outbox.rows, oldestCodeSeconds: codeAge.rows[0]!.seconds },
        http: summariseHttp(metrics),
      };
    },

    /** A centre's appointments of a day as CSV: semicolon-separated, UTF-8 with BOM, for spreadsheet programs set to German. */
    async appointmentsCsv(centerId: number, day: string): Promise<string> {
      const rows = (await run(deps.db, sql.exportDay(centerId, day))).rows;
      const header = [
        'Uhrzeit',
        'Impfung',
        'Buchungscode',
        'Nachname',
        'Vorname',
        'Geburtsdatum',
        'PLZ',
        'Telefon',
        'E-Mail',
        'Kanal',
        'Status',
        'Anwesenheit',
      ];
      const lines = rows.map((r) =>
        [
          r.local_time,
          r.dose,
          formatBookingCode(r.code),
          r.last_name,
          r.first_name,
          r.date_of_birth,
          r.postal_code,
          r.phone ?? '',
          r.email ?? '',
          r.channel,
          r.status,
          r.attendance ?? '',
        ]
          .map(csvCell)
          .join(';'),
      );
      return `\uFEFF${[header.join(';'), ...lines].join('\r\n')}\r\n`;
    },
  };
}

/**
 * Quotes a value for CSV, and defuses text a spreadsheet would run as a formula
 * (a name typed as "=HYPERLINK(...)" stays text).
 */
export function csvCell(value: unknown): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
