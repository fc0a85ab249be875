/**
 * A centre's local day and time, in one place. Every centre keeps its zone in `centers.time_zone`;
 * slot series, days in searches and lists, "today" at the door, age on the day and the times in
 * messages are all computed in it. What belongs to the installation rather than a centre (the
 * hotline's hours, release instants in the checklist, offer deadlines) is in INSTALLATION_ZONE.
 */

/** The zone of the installation's own hours, and of a centre created without one. */
export const INSTALLATION_ZONE = 'Europe/Berlin';

/** Whether `name` is an IANA time zone this runtime (and so PostgreSQL's tz database) knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

// ---- in SQL: `instant` and `zone` are SQL expressions, e.g. localDay('s.starts_at', 'c.time_zone')

/** The local calendar day (date) of an instant. */
export const localDay = (instant: string, zone: string): string => `(${instant} AT TIME ZONE ${zone})::date`;

/** The local ISO weekday (1 = Monday) of an instant. */
export const localWeekday = (instant: string, zone: string): string => `extract(isodow FROM ${instant} AT TIME ZONE ${zone})::int`;

/** The local wall-clock time "HH:MM" of an instant. */
export const localTime = (instant: string, zone: string): string => `to_char(${instant} AT TIME ZONE ${zone}, 'HH24:MI')`;

/** Whether an instant falls on today's local date. */
export const isLocalToday = (instant: string, zone: string): string => `${localDay(instant, zone)} = ${localDay('clock_now()', zone)}`;

/** The instant of a local wall-clock timestamp (without zone) in a zone. */
export const atLocal = (wallClock: string, zone: string): string => `(${wallClock} AT TIME ZONE ${zone})`;

// ---- in TypeScript

// Building a formatter costs far more than using one: each (locale, zone, options) is made once.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A cached Intl formatter for a locale and zone. */
export function formatter(locale: string, zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${zone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone })));
  return f;
}

/** The local calendar day of an instant, as YYYY-MM-DD. */
export const dayIn = (instant: Date, zone: string): string => formatter('en-CA', zone, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The local ISO weekday (1 = Monday) and wall-clock time "HH:MM" of an instant. */
export function clockIn(instant: Date, zone: string): { weekday: number; time: string } {
  const parts = formatter('en-GB', zone, { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { weekday: WEEKDAYS[get('weekday')]!, time: `${get('hour')}:${get('minute')}` };
}
