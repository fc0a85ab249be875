import type { MessageTexts } from '../templates.js';

export const ru: MessageTexts = {
  at: '{when}',
  dose: '{dose}-я прививка: {when}, {center}, {address}',
  codeSubject: 'Ваш код подтверждения',
  code: 'Ваш код: {code}',
  codeValid: 'Код действует 30 минут. Никому его не сообщайте.',
  codeSms: 'Ваш код Ansturm: {code} (действует 30 мин)',
  confirmationSubject: 'Подтверждение записи {code}',
  booked: 'Вы записаны.',
  bookingCode: 'Код записи: {code}',
  bring: 'Возьмите с собой удостоверение личности. Отменить или перенести запись можно по коду записи и дате рождения.',
  confirmationSms: 'Вы записаны ({code}): {when}, {center}.',
  cancellationSubject: 'Запись отменена {code}',
  cancelled: 'Эти записи отменены:',
  reminderSubject: 'Напоминание: ваш приём завтра',
  reminder: 'Напоминаем о вашей записи ({code}):',
  offerSubject: 'Для вас освободилось время приёма',
  offer: 'Из списка ожидания: {when}, {center}, {address}.',
  offerDeadline: 'Пожалуйста, примите или отклоните предложение до {deadline}:',
  offerOtherwise: 'Если вы не ответите, это время получит следующий человек в списке.',
  offerSms: 'Есть свободное время: {when}, {center}. Ответьте до {deadline}: {link}',
};
