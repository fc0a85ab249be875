import type { MessageTexts } from '../templates.js';

export const pl: MessageTexts = {
  at: '{when}',
  dose: 'Dawka {dose}: {when}, {center}, {address}',
  codeSubject: 'Twój kod potwierdzający',
  code: 'Twój kod to: {code}',
  codeValid: 'Kod jest ważny 30 minut. Nie przekazuj go nikomu.',
  codeSms: 'Twój kod Ansturm: {code} (ważny 30 min)',
  confirmationSubject: 'Potwierdzenie rezerwacji {code}',
  booked: 'Twoje wizyty są zarezerwowane.',
  bookingCode: 'Kod rezerwacji: {code}',
  bring: 'Zabierz ze sobą dokument tożsamości. Wizytę możesz odwołać lub przełożyć, podając kod rezerwacji i datę urodzenia.',
  confirmationSms: 'Zarezerwowano ({code}): {when}, {center}.',
  cancellationSubject: 'Wizyta odwołana {code}',
  cancelled: 'Te wizyty zostały odwołane:',
  reminderSubject: 'Przypomnienie: Twoja wizyta jutro',
  reminder: 'Przypominamy o Twojej wizycie ({code}):',
  offerSubject: 'Jest dla Ciebie wolny termin',
  offer: 'Z listy oczekujących: {when}, {center}, {address}.',
  offerDeadline: 'Przyjmij lub odrzuć termin do {deadline}:',
  offerOtherwise: 'Bez odpowiedzi termin otrzyma następna osoba.',
  offerSms: 'Wolny termin: {when}, {center}. Odpowiedz do {deadline}: {link}',
};
