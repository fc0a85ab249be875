import type { MessageTexts } from '../templates.js';

export const uk: MessageTexts = {
  at: '{when}',
  dose: 'Доза {dose}: {when}, {center}, {address}',
  codeSubject: 'Ваш код підтвердження',
  code: 'Ваш код: {code}',
  codeValid: 'Код дійсний 30 хвилин. Нікому його не повідомляйте.',
  codeSms: 'Ваш код Ansturm: {code} (дійсний 30 хв)',
  confirmationSubject: 'Підтвердження запису {code}',
  booked: 'Вас записано.',
  bookingCode: 'Код запису: {code}',
  bring: 'Візьміть із собою документ, що посвідчує особу. Скасувати або перенести запис можна за кодом запису та датою народження.',
  confirmationSms: 'Вас записано ({code}): {when}, {center}.',
  cancellationSubject: 'Запис скасовано {code}',
  cancelled: 'Ці записи скасовано:',
  reminderSubject: 'Нагадування: ваш прийом завтра',
  reminder: 'Нагадуємо про ваш запис ({code}):',
  offerSubject: 'Для вас звільнився час прийому',
  offer: 'Зі списку очікування: {when}, {center}, {address}.',
  offerDeadline: 'Будь ласка, прийміть або відхиліть пропозицію до {deadline}:',
  offerOtherwise: 'Якщо ви не відповісте, цей час отримає наступна людина у списку.',
  offerSms: 'Є вільний час: {when}, {center}. Відповідьте до {deadline}: {link}',
};
