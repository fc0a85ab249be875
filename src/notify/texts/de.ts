import type { MessageTexts } from '../templates.js';

/** The messages in German: the default and the binding language. */
export const de: MessageTexts = {
  at: '{when} Uhr',
  dose: '{dose}. Impfung: {when}, {center}, {address}',
  codeSubject: 'Ihr Bestätigungscode',
  code: 'Ihr Code lautet: {code}',
  codeValid: 'Er ist 30 Minuten gültig. Geben Sie ihn niemandem weiter.',
  codeSms: 'Ihr Ansturm-Code: {code} (30 Min. gültig)',
  confirmationSubject: 'Terminbestätigung {code}',
  booked: 'Ihre Termine sind gebucht.',
  bookingCode: 'Buchungscode: {code}',
  bring: 'Bitte bringen Sie einen Ausweis mit. Absagen oder umbuchen können Sie mit Buchungscode und Geburtsdatum.',
  confirmationSms: 'Termin gebucht ({code}): {when}, {center}.',
  cancellationSubject: 'Termin abgesagt {code}',
  cancelled: 'Diese Termine sind abgesagt:',
  reminderSubject: 'Erinnerung: Ihr Termin morgen',
  reminder: 'Erinnerung an Ihren Termin ({code}):',
  offerSubject: 'Ein Termin ist für Sie frei',
  offer: 'Von der Warteliste: {when}, {center}, {address}.',
  offerDeadline: 'Bitte sagen Sie bis {deadline} zu oder ab:',
  offerOtherwise: 'Ohne Antwort geht der Termin an die nächste Person.',
  offerSms: 'Termin frei: {when}, {center}. Zusagen bis {deadline}: {link}',
};
