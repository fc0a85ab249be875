import { staffLang } from './i18n.js';

/**
 * What a stored state or kind is called on screen, in the console's language: words, never the code
 * ("geplant", not "scheduled"). One place, so every page says the same; a value without a word (a new
 * state) shows as it is.
 */
const WORDS = {
  de: {
    room: { scheduled: 'geplant', open: 'geöffnet', paused: 'angehalten', sold_out: 'ausgebucht', closed: 'geschlossen' },
    message: { queued: 'wartet auf Versand', sending: 'wird gesendet', sent: 'versendet', failed: 'unzustellbar', cancelled: 'nicht mehr nötig' },
    kind: { code: 'Bestätigungscode', confirmation: 'Buchungsbestätigung', cancellation: 'Absage', reminder: 'Erinnerung', offer: 'Angebot (Warteliste)' },
    channel: { email: 'E-Mail', sms: 'SMS', letter: 'Brief' },
    role: { admin: 'Administration', agent: 'Hotline', checkin: 'Check-in' },
    booking: { active: 'gebucht', cancelled: 'storniert' },
    attendance: { attended: 'erschienen', no_show: 'nicht erschienen' },
  },
  en: {
    room: { scheduled: 'scheduled', open: 'open', paused: 'paused', sold_out: 'sold out', closed: 'closed' },
    message: { queued: 'waiting to be sent', sending: 'being sent', sent: 'sent', failed: 'undeliverable', cancelled: 'no longer needed' },
    kind: { code: 'confirmation code', confirmation: 'booking confirmation', cancellation: 'cancellation', reminder: 'reminder', offer: 'offer (wait list)' },
    channel: { email: 'e-mail', sms: 'SMS', letter: 'letter' },
    role: { admin: 'administration', agent: 'hotline', checkin: 'check-in' },
    booking: { active: 'booked', cancelled: 'cancelled' },
    attendance: { attended: 'attended', no_show: 'did not attend' },
  },
} as const;

export type WordGroup = keyof (typeof WORDS)['de'];

export const word = (group: WordGroup, value: string | null | undefined): string =>
  value === null || value === undefined ? '–' : ((WORDS[staffLang()][group] as Record<string, string>)[value] ?? value);
