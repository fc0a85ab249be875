import { clockIn, INSTALLATION_ZONE } from '../time/zone.js';

/** The phone hotline: its number and opening hours (wall-clock time of the installation's zone). */
export interface Hotline {
  phone: string;
  hours: OpeningHours[];
}

/** Open on these ISO weekdays (1 = Monday ... 7 = Sunday) from `opens` to `closes` (HH:MM). */
export interface OpeningHours {
  days: number[];
  opens: string;
  closes: string;
}

const DAY_NAMES: Record<string, number> = { mo: 1, di: 2, tu: 2, mi: 3, we: 3, do: 4, th: 4, fr: 5, sa: 6, so: 7, su: 7 };

/**
 * Reads opening hours written the way a notice board says them: "Mo-Fr 08:00-18:00, Sa 09:00-12:00"
 * (German or English day abbreviations). Returns the problem as a string when the text is not understood.
 */
export function parseOpeningHours(text: string): OpeningHours[] | string {
  const hours: OpeningHours[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z]{2})(?:\s*-\s*([A-Za-z]{2}))?\s+(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})$/.exec(part);
    const first = match && DAY_NAMES[match[1]!.toLowerCase()];
    const last = match && (match[2] ? DAY_NAMES[match[2].toLowerCase()] : first);
    if (!match || !first || !last || last < first) return `"${part}": expected e.g. "Mo-Fr 08:00-18:00"`;
    const [opens, closes] = [match[3]!, match[4]!];
    if (!validTime(opens) || !validTime(closes) || closes <= opens) return `"${part}": opening time must be before closing time`;
    hours.push({ days: Array.from({ length: last - first + 1 }, (_, i) => first + i), opens, closes });
  }
  return hours.length > 0 ? hours : 'no opening hours given';
}

const validTime = (hhmm: string): boolean => Number(hhmm.slice(0, 2)) < 24 && Number(hhmm.slice(3)) < 60;

/** Whether the hotline is staffed at an instant. */
export function hotlineOpenAt(hours: OpeningHours[], instant: Date): boolean {
  const { weekday, time } = clockIn(instant, INSTALLATION_ZONE);
  return hours.some((h) => h.days.includes(weekday) && time >= h.opens && time < h.closes);
}
