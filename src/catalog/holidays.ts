import Holidays from 'date-holidays';

/** The German Länder by their ISO 3166-2 code (without "DE-"): each has public holidays of its own. */
export const LAENDER = ['BB', 'BE', 'BW', 'BY', 'HB', 'HE', 'HH', 'MV', 'NI', 'NW', 'RP', 'SH', 'SL', 'SN', 'ST', 'TH'] as const;
export type Land = (typeof LAENDER)[number];

const calendars = new Map<string, Holidays>();
const calendarOf = (land: Land | null): Holidays => {
  const key = land ?? 'DE';
  let calendar = calendars.get(key);
  if (!calendar) calendars.set(key, (calendar = land ? new Holidays('DE', land) : new Holidays('DE')));
  return calendar;
};

/**
 * The public holidays of a year (YYYY-MM-DD) from the date-holidays package: those of the whole
 * country, and with a Land also its own (Epiphany in Bavaria, Corpus Christi in NRW, ...).
 */
export function publicHolidays(year: number, land: Land | null = null): string[] {
  return calendarOf(land)
    .getHolidays(year)
    .filter((h) => h.type === 'public')
    .map((h) => h.date.slice(0, 10))
    .sort();
}

/** The public holidays between two days (YYYY-MM-DD, inclusive), of the country and of the Land if given. */
export function holidaysBetween(from: string, to: string, land: Land | null = null): string[] {
  const first = Number(from.slice(0, 4));
  const years = Array.from({ length: Number(to.slice(0, 4)) - first + 1 }, (_, i) => first + i);
  return years.flatMap((year) => publicHolidays(year, land)).filter((d) => d >= from && d <= to);
}
