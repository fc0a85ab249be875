import { run, tx, type Db, type Queryable } from '../db/pool.js';
import { fail } from '../errors.js';
import type { Actor } from '../staff/auth.js';
import { audit } from '../staff/audit.js';
import { backlog, oldestCodeAge } from '../notify/repo.js';
import type { QueueView } from '../queue/view.js';
import type { AvailabilityView } from '../availability/view.js';
import { formatBookingCode } from '../booking/code.js';
import { summariseHttp } from './http-summary.js';
import * as sql from './repo.js';
import type { Clock } from '../time/clock.js';

export interface ReportSources {
  db: Db;
  /** Where the dashboard reads: a fresh replica, else `db`. */
  reads: Queryable;
  queueView: QueueView;
  availability: AvailabilityView;
  metricsText: () => Promise<string>;
  /** The node's clock: how long a reading is shared. */
  clock: Clock;
}

/** How long one dashboard reading answers everyone who asks on a node (each staff member's page polls it). */
const READING_SHARED_MS = 1_000;

/** What staff read about a release day: the dashboard's one reading and the exports. */
export function reportService(deps: ReportSources) {
  let shared: { at: number; reading: ReturnType<typeof read> } | undefined;

  /** One reading for the live dashboard: line, admissions, bookings, capacity, messages, requests. */
  async function read() {
    const now = deps.availability.now(); // the database's clock, which set the admissions' ends
    const [perMinute, totals, centers, outbox, codeAge, metrics] = await Promise.all([
      run<{ minute: Date; n: number }>(deps.reads, sql.bookingsPerMinute(30)),
      run(deps.reads, sql.bookingTotals()),
      run(deps.reads, sql.remainingPerCenter()),
      run(deps.reads, backlog()),
      run<{ seconds: number }>(deps.reads, oldestCodeAge()),
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
  }

  return {
    /**
     * One reading for the live dashboard, shared by all who ask within a second: ten staff members watching
     * a release cost the database what one does. A reading that failed is not shared.
     */
    dashboard() {
      const now = deps.clock.now();
      if (shared && now >= shared.at && now - shared.at < READING_SHARED_MS) return shared.reading;
      const reading = read();
      shared = { at: now, reading };
      reading.catch(() => shared?.reading === reading && (shared = undefined));
      return reading;
    },

    /**
     * A centre's appointments of a day as CSV: semicolon-separated, UTF-8 with BOM, for spreadsheet programs
     * set to German. Its first line says what it holds and how to treat it; the export is audited in the
     * transaction that reads it (who, which centre and day, how many rows: never the data itself).
     */
    async appointmentsCsv(by: Actor, centerId: number, day: string): Promise<string> {
      const { rows, center } = await tx(deps.db, async (q) => {
        const center = (await run<{ name: string }>(q, sql.centerName(centerId))).rows[0]?.name ?? fail('CENTER_NOT_FOUND');
        const rows = (await run(q, sql.exportDay(centerId, day))).rows;
        await audit(q, by, 'export appointments', { target: { centerId, day }, after: { rows: rows.length } });
        return { rows, center };
      });
      const title =
        `Termine ${center} am ${day.split('-').reverse().join('.')} (Anzahl: ${rows.length}). Die Datei enthält personenbezogene Daten ` +
        `(Name, Geburtsdatum, Postleitzahl, Telefon, E-Mail): vertraulich behandeln, nicht weitergeben, nach Gebrauch löschen. ` +
        `Exportiert von ${by.actor} am ${new Date().toISOString()}.`;
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
      return `\uFEFF${[csvCell(title), '', header.join(';'), ...lines].join('\r\n')}\r\n`;
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
