-- Legal and accessibility pages as staff edit them in the console, per language. A row wins over the
-- operator's file and the shipped template (src/content/service.ts); deleting it goes back to them.
CREATE TABLE page_texts (
  name       text NOT NULL CHECK (name IN ('impressum', 'datenschutz', 'barrierefreiheit', 'leichte-sprache', 'leichte-sprache-buchen',
                                           'leichte-sprache-warteraum', 'leichte-sprache-absagen', 'gebaerdensprache')),
  lang       language NOT NULL,
  markdown   text NOT NULL CHECK (length(markdown) BETWEEN 1 AND 100000),
  updated_at timestamptz NOT NULL DEFAULT clock_now(),
  updated_by text NOT NULL,
  PRIMARY KEY (name, lang)
);
