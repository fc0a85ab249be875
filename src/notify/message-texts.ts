import { run, tx, type Db } from '../db/pool.js';
import { fail } from '../errors.js';
import type { Language } from '../languages.js';
import type { Actor } from '../staff/auth.js';
import { audit } from '../staff/audit.js';
import * as sql from './repo.js';
import {
  cancellationMessage,
  codeMessage,
  codeSms,
  confirmationMessage,
  confirmationSms,
  MESSAGE_TEXT_KEYS,
  MESSAGE_TEXTS,
  offerMessage,
  offerSms,
  reminderMessage,
  renderWith,
  textsFor,
  useChangedTexts,
  type MessageTexts,
} from './templates.js';

/** How often a node reloads staff's changed texts: an edit is used everywhere within this. */
export const MESSAGE_TEXTS_RELOAD_MS = 5_000;

interface ChangedText {
  lang: Language;
  key: keyof MessageTexts;
  text: string;
  updatedAt: Date;
  updatedBy: string;
}

const placeholders = (text: string) =>
  [...text.matchAll(/\{(\w+)\}/g)]
    .map((m) => m[1])
    .sort()
    .join(',');

/** The sample a preview renders: a two-dose booking at a centre in Berlin time. */
const SAMPLE = {
  code: 'ABCD-2345',
  appointments: [
    {
      dose: 1,
      startsAt: '2027-03-01T09:00:00Z',
      center: { name: 'Impfzentrum Musterstadt', address: 'Hauptstraße 1, 12345 Musterstadt', timeZone: 'Europe/Berlin' },
    },
    {
      dose: 2,
      startsAt: '2027-03-29T08:00:00Z',
      center: { name: 'Impfzentrum Musterstadt', address: 'Hauptstraße 1, 12345 Musterstadt', timeZone: 'Europe/Berlin' },
    },
  ],
  deadline: '2027-02-27T17:00:00Z',
  link: 'https://impfen.example.org/angebot/…',
};

/**
 * Message texts staff change per language: the copy every node renders with (reloaded from the
 * database), and the console's reading, saving (checked: the same {placeholders} as the shipped text),
 * resetting and previewing.
 */
export function messageTexts(db: Db) {
  let timer: NodeJS.Timeout | undefined;
  const reload = async () => useChangedTexts((await run(db, sql.changedTexts())).rows as ChangedText[]);

  return {
    /** Loads the changed texts now and every few seconds; a failed reload keeps the last copy. */
    async start() {
      await reload().catch(() => undefined);
      timer = setInterval(() => void reload().catch(() => undefined), MESSAGE_TEXTS_RELOAD_MS);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
    reload,

    /** Every text of a language: the shipped one, the one in use, and who changed it. */
    async list(lang: Language) {
      const changed = ((await run(db, sql.changedTexts())).rows as ChangedText[]).filter((r) => r.lang === lang);
      return {
        lang,
        texts: MESSAGE_TEXT_KEYS.map((key) => {
          const own = changed.find((r) => r.key === key);
          return {
            key,
            shipped: MESSAGE_TEXTS[lang][key],
            text: own?.text ?? MESSAGE_TEXTS[lang][key],
            ...(own ? { updatedAt: own.updatedAt, updatedBy: own.updatedBy } : {}),
          };
        }),
      };
    },

    /** Saves the given texts of a language; a text equal to the shipped one drops the change. Audited. */
    async save(by: Actor, lang: Language, texts: Record<string, string>) {
      const checked = check(lang, texts);
      await tx(db, async (q) => {
        for (const [key, text] of Object.entries(checked)) {
          const dropped = (await run(q, sql.dropText(lang, key))).rows[0] as { text: string } | undefined;
          if (text !== MESSAGE_TEXTS[lang][key as keyof MessageTexts]) await run(q, sql.saveText(lang, key, text, by.actor));
          await audit(q, by, 'edit message text', {
            target: { lang, key },
            before: { text: dropped?.text ?? MESSAGE_TEXTS[lang][key as keyof MessageTexts] },
            after: { text },
          });
        }
      });
      await reload();
      return this.list(lang);
    },

    /** Every text of a language back to the shipped one. Audited. */
    async reset(by: Actor, lang: Language) {
      await tx(db, async (q) => {
        for (const key of MESSAGE_TEXT_KEYS) {
          const dropped = (await run(q, sql.dropText(lang, key))).rows[0] as { text: string } | undefined;
          if (dropped)
            await audit(q, by, 'reset message text', { target: { lang, key }, before: { text: dropped.text }, after: { text: MESSAGE_TEXTS[lang][key] } });
        }
      });
      await reload();
      return this.list(lang);
    },

    /** Every message rendered with these texts (not saved) on a sample booking. */
    preview(lang: Language, texts: Record<string, string>) {
      const w: MessageTexts = { ...textsFor(lang), ...check(lang, texts) };
      return renderWith(lang, w, () => {
        const mail = (kind: string, m: { subject: string; text: string }) => ({ kind, channel: 'email' as const, subject: m.subject, text: m.text });
        const sms = (kind: string, text: string) => ({ kind, channel: 'sms' as const, subject: '', text });
        return {
          lang,
          messages: [
            mail('code', codeMessage('123456', lang)),
            sms('code', codeSms('123456', lang)),
            mail('confirmation', confirmationMessage(SAMPLE.code, SAMPLE.appointments, lang)),
            sms('confirmation', confirmationSms(SAMPLE.code, SAMPLE.appointments, lang)),
            mail('cancellation', cancellationMessage(SAMPLE.code, SAMPLE.appointments, lang)),
            mail('reminder', reminderMessage(SAMPLE.code, SAMPLE.appointments[0]!, lang)),
            mail('offer', offerMessage(SAMPLE.appointments[0]!, SAMPLE.deadline, SAMPLE.link, lang)),
            sms('offer', offerSms(SAMPLE.appointments[0]!, SAMPLE.deadline, SAMPLE.link, lang)),
          ],
        };
      });
    },
  };
}

/** Only known texts, each with exactly the {placeholders} of the shipped one (a missing {code} would send a message without it). */
function check(lang: Language, texts: Record<string, string>): Partial<MessageTexts> {
  for (const [key, text] of Object.entries(texts)) {
    if (!(MESSAGE_TEXT_KEYS as string[]).includes(key)) fail('VALIDATION_FAILED', `There is no message text "${key}".`, { key });
    const shipped = MESSAGE_TEXTS[lang][key as keyof MessageTexts];
    if (placeholders(text) !== placeholders(shipped))
      fail('VALIDATION_FAILED', `The text "${key}" must use exactly these placeholders: ${placeholders(shipped) || 'none'}.`, {
        key,
        placeholders: placeholders(shipped).split(',').filter(Boolean),
      });
  }
  return texts as Partial<MessageTexts>;
}

export type MessageTextsService = ReturnType<typeof messageTexts>;
