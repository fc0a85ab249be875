import type { MessageTexts } from '../templates.js';

export const en: MessageTexts = {
  at: '{when}',
  dose: 'Dose {dose}: {when}, {center}, {address}',
  codeSubject: 'Your confirmation code',
  code: 'Your code is: {code}',
  codeValid: 'It is valid for 30 minutes. Do not share it with anyone.',
  codeSms: 'Your Ansturm code: {code} (valid 30 min)',
  confirmationSubject: 'Booking confirmation {code}',
  booked: 'Your appointments are booked.',
  bookingCode: 'Booking code: {code}',
  bring: 'Please bring an identity document. You can cancel or rebook with your booking code and date of birth.',
  confirmationSms: 'Booked ({code}): {when}, {center}.',
  cancellationSubject: 'Appointment cancelled {code}',
  cancelled: 'These appointments are cancelled:',
  reminderSubject: 'Reminder: your appointment tomorrow',
  reminder: 'A reminder of your appointment ({code}):',
  offerSubject: 'An appointment is free for you',
  offer: 'From the wait list: {when}, {center}, {address}.',
  offerDeadline: 'Please accept or decline by {deadline}:',
  offerOtherwise: 'Without an answer the appointment goes to the next person.',
  offerSms: 'Appointment free: {when}, {center}. Accept by {deadline}: {link}',
};
