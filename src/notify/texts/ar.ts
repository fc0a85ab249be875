import type { MessageTexts } from '../templates.js';

export const ar: MessageTexts = {
  at: '{when}',
  dose: 'الجرعة {dose}: {when}، {center}، {address}',
  codeSubject: 'رمز التأكيد الخاص بك',
  code: 'رمزك هو: {code}',
  codeValid: 'الرمز صالح لمدة 30 دقيقة. لا تعطه لأي شخص.',
  codeSms: 'رمز Ansturm الخاص بك: {code} (صالح 30 دقيقة)',
  confirmationSubject: 'تأكيد الحجز {code}',
  booked: 'تم حجز مواعيدك.',
  bookingCode: 'رمز الحجز: {code}',
  bring: 'يرجى إحضار وثيقة إثبات الهوية. يمكنك إلغاء الموعد أو تغييره باستخدام رمز الحجز وتاريخ الميلاد.',
  confirmationSms: 'تم الحجز ({code}): {when}، {center}.',
  cancellationSubject: 'تم إلغاء الموعد {code}',
  cancelled: 'تم إلغاء هذه المواعيد:',
  reminderSubject: 'تذكير: موعدك غدًا',
  reminder: 'تذكير بموعدك ({code}):',
  offerSubject: 'يتوفر موعد لك',
  offer: 'من قائمة الانتظار: {when}، {center}، {address}.',
  offerDeadline: 'يرجى قبول الموعد أو رفضه قبل {deadline}:',
  offerOtherwise: 'إذا لم تردّ، يُعطى الموعد للشخص التالي.',
  offerSms: 'موعد متاح: {when}، {center}. ردّ قبل {deadline}: {link}',
};
