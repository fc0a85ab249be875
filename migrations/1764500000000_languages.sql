-- The languages a citizen can use (src/languages.ts), as one domain: a booking, a wait-list entry and
-- a message are written in one of them. Adding a language is a new migration changing this domain.
CREATE DOMAIN language AS text CHECK (VALUE IN ('de', 'en', 'tr', 'ru', 'uk', 'ar', 'pl'));

ALTER TABLE bookings DROP CONSTRAINT bookings_locale_check, ALTER COLUMN locale TYPE language;
ALTER TABLE waitlist_entries DROP CONSTRAINT waitlist_entries_locale_check, ALTER COLUMN locale TYPE language;
ALTER TABLE messages DROP CONSTRAINT messages_locale_check, ALTER COLUMN locale TYPE language;
