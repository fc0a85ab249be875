/**
 * What a stored state or kind is called on screen: words, never the code ("geplant", not "scheduled").
 * One place, so every page says the same; a value without a word (a new state) shows as it is.
 */
const WORDS = {
  room: { scheduled: 'geplant', open: 'geöffnet', paused: 'angehalten', sold_out: 'ausgebucht', closed: 'geschlossen' },
  message: { queued: 'wartet auf Versand', sending: 'wird gesendet', sent: 'versendet', failed: 'unzustellbar', cancelled: 'nicht mehr nötig' },
  kind: { code: 'Bestätigungscode', confirmation: 'Buchungsbestätigung', cancellation: 'Absage', reminder: 'Erinnerung', offer: 'Angebot (Warteliste)' },
  channel: { email: 'E-Mail', sms: 'SMS' },
  role: { admin: 'Administration', agent: 'Hotline', checkin: 'Check-in' },
  booking: { active: 'gebucht', cancelled: 'storniert' },
  attendance: { attended: 'erschienen', no_show: 'nicht erschienen' },
} as const;

export type WordGroup = keyof typeof WORDS;

export const word = (group: WordGroup, value: string | null | undefined): string =>
  value === null || value === undefined ? '–' : ((WORDS[group] as Record<string, string>)[value] ?? value);
