import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { INTL_LOCALES, LANGUAGES, direction, westernDigits, type Language } from '../src/languages.js';
import {
  MESSAGE_TEXTS,
  codeSms,
  confirmationMessage,
  confirmationSms,
  offerMessage,
  offerSms,
  cancellationMessage,
  reminderMessage,
} from '../src/notify/templates.js';
import { freshDatabase } from './support/db.js';
import { de } from '../web/src/i18n/de.js';
import { en } from '../web/src/i18n/en.js';
import { tr } from '../web/src/i18n/tr.js';
import { ru } from '../web/src/i18n/ru.js';
import { uk } from '../web/src/i18n/uk.js';
import { ar } from '../web/src/i18n/ar.js';
import { pl } from '../web/src/i18n/pl.js';

/**
 * The languages: one catalogue per language for the app and one for the messages, each with every
 * key of the German one and the same {placeholders}; nothing left in German; the database accepts
 * exactly the languages the code offers; every message renders in every language.
 */
const APP: Record<Language, Record<string, string>> = { de, en, tr, ru, uk, ar, pl };
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Texts that are rightly the same in German and another language: numbers, units, names. */
const SAME_EVERYWHERE = new Set(['hours.line', 'waitlist.km', 'confirm.channel.sms', 'common.clock', 'confirm.channel.email', 'common.minutes']);

describe('catalogues', () => {
  for (const l of LANGUAGES) {
    test(`${l}: every key of the German catalogue, no other, the same placeholders, nothing left untranslated`, () => {
      const texts = APP[l];
      assert.deepEqual(Object.keys(texts).sort(), Object.keys(de).sort());
      for (const [key, german] of Object.entries(de)) {
        const text = texts[key]!;
        assert.deepEqual(placeholders(text), placeholders(german), `${l} ${key}: placeholders`);
        if (key !== 'footer.easy') assert.ok(text.trim().length > 0, `${l} ${key} is empty`);
        if (l !== 'de' && !SAME_EVERYWHERE.has(key) && german.length > 12) assert.notEqual(text, german, `${l} ${key} is still German`);
      }
    });
  }

  test('message texts: every language has every text with the same placeholders', () => {
    for (const l of LANGUAGES)
      for (const [key, german] of Object.entries(MESSAGE_TEXTS.de)) {
        const text = MESSAGE_TEXTS[l][key as keyof typeof MESSAGE_TEXTS.de];
        assert.deepEqual(placeholders(text), placeholders(german), `${l} ${key}`);
        if (l !== 'de' && key !== 'at') assert.notEqual(text, german, `${l} ${key} is still German`);
      }
  });

  test('only Arabic is right to left; digits typed on an Arabic keyboard are read as 0-9', () => {
    assert.deepEqual(
      LANGUAGES.filter((l) => direction(l) === 'rtl'),
      ['ar'],
    );
    assert.equal(westernDigits('٥٨٣٣٢'), '58332');
    assert.equal(westernDigits('۱۲.۰۸.۱۹۴۸'), '12.08.1948');
    assert.equal(westernDigits('ABCD-2345'), 'ABCD-2345');
  });
});

describe('messages in every language', () => {
  const appointments = [
    { dose: 1, startsAt: '2027-03-01T09:00:00Z', center: { name: 'Impfzentrum Schwelm', address: 'Hauptstraße 1', timeZone: 'Europe/Berlin' } },
    { dose: 2, startsAt: '2027-03-29T08:00:00Z', center: { name: 'Impfzentrum Schwelm', address: 'Hauptstraße 1', timeZone: 'Europe/Berlin' } },
  ];
  for (const l of LANGUAGES) {
    test(`${l}: confirmation, cancellation, reminder, offer and code, with dates in the language and the centre's time`, () => {
      const month = new Intl.DateTimeFormat(INTL_LOCALES[l], { month: 'long', timeZone: 'Europe/Berlin' }).format(new Date('2027-03-01T09:00:00Z'));
      const confirmation = confirmationMessage('ABCD-2345', appointments, l);
      assert.match(confirmation.subject, /ABCD-2345/);
      assert.match(confirmation.text, /ABCD-2345/);
      assert.ok(confirmation.text.includes('10:00'), 'the first appointment at 10:00 Berlin time');
      assert.ok(confirmation.text.includes('Impfzentrum Schwelm') && confirmation.text.includes('Hauptstraße 1'));
      assert.match(confirmation.html, new RegExp(`<html lang="${l}" dir="${direction(l)}">`));
      for (const text of [
        confirmation.text,
        confirmation.subject,
        cancellationMessage('ABCD-2345', appointments, l).text,
        reminderMessage('ABCD-2345', appointments[0]!, l).text,
        offerMessage(appointments[0]!, '2027-02-27T17:00:00Z', 'https://example.org/angebot/1', l).text,
        confirmationSms('ABCD-2345', appointments, l),
        offerSms(appointments[0]!, '2027-02-27T17:00:00Z', 'https://example.org/angebot/1', l),
        codeSms('123456', l),
      ])
        assert.doesNotMatch(text, /\{\w+\}/, `${l}: a placeholder left in "${text}"`);
      // The weekday is written out, as are months where the language's long date has them.
      assert.ok(
        confirmation.text.includes(
          new Intl.DateTimeFormat(INTL_LOCALES[l], { weekday: 'long', timeZone: 'Europe/Berlin' }).format(new Date('2027-03-01T09:00:00Z')),
        ),
        `${l}: weekday (${month})`,
      );
      if (l !== 'de') assert.doesNotMatch(confirmation.text, /Impfung|Termin/, `${l}: no German words`);
    });
  }
});

describe('the database knows the same languages', () => {
  let db: { url: string; drop(): Promise<void> };
  let client: pg.Client;
  before(async () => {
    db = await freshDatabase();
    client = new pg.Client(db.url);
    await client.connect();
  });
  after(async () => {
    await client?.end();
    await db?.drop();
  });

  test('the language domain takes each offered language and refuses any other', async () => {
    for (const l of LANGUAGES) assert.equal((await client.query('SELECT $1::language AS l', [l])).rows[0].l, l);
    await assert.rejects(client.query(`SELECT 'fr'::language`), /violates check constraint/);
    const columns = await client.query(
      `SELECT table_name FROM information_schema.columns WHERE column_name = 'locale' AND domain_name = 'language' ORDER BY 1`,
    );
    assert.deepEqual(
      columns.rows.map((r) => r.table_name),
      ['bookings', 'messages', 'waitlist_entries'],
    );
  });
});
