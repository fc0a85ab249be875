-- Message texts as staff change them in the console, per language and text (src/notify/templates.ts
-- MessageTexts); a row wins over the shipped text; every node reloads them every few seconds.
CREATE TABLE message_texts (
  lang       language NOT NULL,
  key        text NOT NULL CHECK (key ~ '^[a-zA-Z]{1,40}$'),
  text       text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
  updated_at timestamptz NOT NULL DEFAULT clock_now(),
  updated_by text NOT NULL,
  PRIMARY KEY (lang, key)
);
