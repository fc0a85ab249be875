import type { MessageTexts } from '../templates.js';

export const tr: MessageTexts = {
  at: '{when}',
  dose: '{dose}. aşı: {when}, {center}, {address}',
  codeSubject: 'Onay kodunuz',
  code: 'Kodunuz: {code}',
  codeValid: 'Kod 30 dakika geçerlidir. Kodu kimseyle paylaşmayın.',
  codeSms: 'Ansturm kodunuz: {code} (30 dk geçerli)',
  confirmationSubject: 'Randevu onayı {code}',
  booked: 'Randevularınız alındı.',
  bookingCode: 'Randevu kodu: {code}',
  bring: 'Lütfen yanınızda kimlik belgenizi getirin. Randevu kodunuz ve doğum tarihinizle randevunuzu iptal edebilir veya değiştirebilirsiniz.',
  confirmationSms: 'Randevu alındı ({code}): {when}, {center}.',
  cancellationSubject: 'Randevu iptal edildi {code}',
  cancelled: 'Şu randevular iptal edildi:',
  reminderSubject: 'Hatırlatma: yarınki randevunuz',
  reminder: 'Randevunuzu hatırlatırız ({code}):',
  offerSubject: 'Sizin için boş bir randevu var',
  offer: 'Bekleme listesinden: {when}, {center}, {address}.',
  offerDeadline: 'Lütfen {deadline} tarihine kadar kabul edin veya reddedin:',
  offerOtherwise: 'Yanıt vermezseniz randevu sıradaki kişiye verilir.',
  offerSms: 'Boş randevu: {when}, {center}. {deadline} tarihine kadar yanıtlayın: {link}',
};
