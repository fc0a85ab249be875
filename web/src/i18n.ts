import { kept } from './storage.js';
import { INSTALLATION_ZONE } from '../../src/time/zone.js';

/** Every text of the app in German (the default) and English. Keys are checked by the compiler. */
const de = {
  'app.name': 'Impftermine',
  'app.skip': 'Zum Inhalt springen',
  'app.switch': 'English',
  'app.switchLabel': 'Switch to English',
  'app.retry': 'Noch einmal versuchen',
  'app.loading': 'Wird geladen …',
  'app.home': 'Startseite',
  busy: 'Gerade ist sehr viel los. Wir versuchen es in {seconds} s automatisch noch einmal – bitte bleiben Sie auf dieser Seite.',
  'error.unreachable': 'Der Server ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.',
  'error.generic': 'Das hat nicht geklappt: {message}',
  'error.notFoundPage': 'Diese Seite gibt es nicht.',

  'start.title': 'Impftermin buchen',
  'start.intro': 'Hier buchen Sie Ihren Impftermin in einem Impfzentrum in Ihrer Nähe. Bei zwei Impfungen erhalten Sie beide Termine zusammen.',
  'start.noCampaigns': 'Zurzeit können keine Termine gebucht werden.',
  'start.who': 'Wer kann buchen?',
  'start.releases': 'Termine werden freigegeben',
  'start.openNow': 'Jetzt buchbar',
  'start.search': 'Termin suchen',
  'start.toRoom': 'Zum Warteraum',
  'start.opensAt': 'Freigabe am {when}',
  'start.countdown': 'Noch {time} Minuten',
  'start.roomOpensAt': 'Der Warteraum öffnet am {when}.',
  'start.roomOpen': 'Der Warteraum ist schon geöffnet. Wer vor der Freigabe da ist, erhält einen ausgelosten Platz – früher kommen bringt nichts.',
  'start.manage': 'Gebuchten Termin ansehen, verschieben oder absagen',
  'start.hotline': 'Telefonische Buchung',
  'start.hotlineText': 'Sie können auch telefonisch buchen: {phone}',
  'start.how': 'So funktioniert es',
  'start.how1': 'Postleitzahl eingeben und ein Impfzentrum in der Nähe wählen.',
  'start.how2': 'Tag und Uhrzeit wählen. Der Termin wird 10 Minuten für Sie reserviert.',
  'start.how3': 'Name, Geburtsdatum und Postleitzahl angeben und bestätigen. Sie erhalten einen Buchungscode.',
  'start.fair': 'Es gibt keinen Vorteil für schnelle Klicks: Im Warteraum entscheidet bei Öffnung ein überprüfbares Los, danach die Reihenfolge der Ankunft.',

  'rules.age': 'Personen ab {min} Jahren',
  'rules.ageRange': 'Personen von {min} bis {max} Jahren',
  'rules.ageMax': 'Personen bis {max} Jahre',
  'rules.anyAge': 'Personen jeden Alters',
  'rules.ageDay': 'Es zählt das Alter am Tag der ersten Impfung.',
  'rules.districts': 'Wohnort: {districts}',
  'rules.groups': 'Nur für diese Gruppen: {groups}',
  'rules.doses2': '{vaccine}: zwei Impfungen im Abstand von {min} bis {max} Tagen. Sie buchen beide Termine auf einmal.',
  'rules.doses1': '{vaccine}: eine Impfung.',
  'rules.verified': 'Sie brauchen eine Handynummer oder E-Mail-Adresse, an die wir einen Bestätigungscode senden.',

  'hours.title': 'Erreichbar',
  'hours.line': '{days}: {opens}–{closes} Uhr',

  'search.title': 'Termin suchen',
  'search.admitted': 'Sie sind an der Reihe. Wählen Sie jetzt Ihren Termin.',
  'search.rebook': 'Neuen Termin wählen für Buchung {code}',
  'search.postalCode': 'Postleitzahl',
  'search.postalHint': '5 Ziffern, z. B. 58332',
  'search.submit': 'Suchen',
  'search.locate': 'Meinen Standort verwenden',
  'search.locating': 'Standort wird ermittelt …',
  'search.locateFailed': 'Der Standort ist nicht verfügbar. Bitte geben Sie Ihre Postleitzahl ein.',
  'search.badPostal': 'Bitte geben Sie eine Postleitzahl mit 5 Ziffern ein.',
  'search.unknownPostal': 'Diese Postleitzahl kennen wir nicht. Bitte prüfen Sie sie.',
  'search.results': 'Impfzentren in Ihrer Nähe',
  'search.resultsCount': '{count} Impfzentren mit freien Terminen gefunden.',
  'search.none': 'In Ihrer Nähe sind gerade keine Termine frei.',
  'search.noneNext': 'Die nächste Freigabe ist am {when}.',
  'search.distance': '{km} km entfernt',
  'search.free': '{count} frei',
  'search.days': 'Tage mit freien Terminen',
  'search.chooseDay': 'Tag wählen',
  'search.times': 'Uhrzeiten am {day}',
  'search.secondDose':
    'Der Termin für die zweite Impfung wird automatisch {min} bis {max} Tage später im selben Zentrum reserviert und Ihnen vor der Bestätigung angezeigt.',
  'search.holding': 'Termin wird reserviert …',
  'search.taken': 'Dieser Termin wurde gerade vergeben. Bitte wählen Sie einen anderen – die Liste ist aktualisiert.',
  'search.linked': 'Der Termin, den Sie ausgewählt haben: {when}. Er ist unten markiert. Tippen Sie darauf, um ihn zu reservieren.',
  'search.linkedGone': 'Der Termin, den Sie ausgewählt haben, ist nicht mehr frei. Hier sehen Sie die anderen freien Termine dieses Impfzentrums.',
  'search.linkedCenterFull': 'In diesem Impfzentrum ist gerade kein Termin frei. Suchen Sie bitte mit Ihrer Postleitzahl nach anderen Impfzentren.',
  'search.linkedSlot': 'Ihr ausgewählter Termin',
  'search.noSecond': 'Für diesen Termin gibt es keinen freien Zweittermin im nötigen Abstand. Bitte wählen Sie einen anderen Tag oder ein anderes Zentrum.',
  'search.notReleased': 'Diese Termine sind noch nicht freigegeben.',
  'search.needRoom': 'Diese Termine werden über den Warteraum vergeben.',
  'search.admissionGone': 'Ihre Zeit zum Buchen ist abgelaufen. Bitte reihen Sie sich erneut im Warteraum ein.',
  'search.alreadyHolding': 'Sie haben schon einen Termin reserviert.',
  'search.continueHold': 'Mit der Reservierung weitermachen',
  'search.rebooked': 'Ihr Termin wurde verschoben.',

  'details.title': 'Ihre Angaben',
  'details.reserved': 'Reserviert für Sie',
  'details.remaining': 'Noch {time} Minuten reserviert.',
  'details.remainingSoon': 'Nur noch {time} Minuten reserviert – bitte jetzt bestätigen.',
  'details.expired': 'Die Reservierung ist abgelaufen, der Termin ist wieder frei. Bitte wählen Sie erneut.',
  'details.noHold': 'Sie haben keinen Termin reserviert.',
  'details.newSearch': 'Neuen Termin suchen',
  'details.firstName': 'Vorname',
  'details.lastName': 'Nachname',
  'details.dob': 'Geburtsdatum',
  'details.dobHint': 'Tag.Monat.Jahr, z. B. 12.08.1948',
  'details.postalCode': 'Postleitzahl Ihres Wohnorts',
  'details.email': 'E-Mail-Adresse (freiwillig)',
  'details.emailHint': 'Für die Bestätigung mit Kalendereintrag.',
  'details.emailPlain': 'E-Mail-Adresse',
  'details.phonePlain': 'Handynummer',
  'details.phone': 'Handynummer (freiwillig)',
  'details.phoneHint': 'Für die Bestätigung per SMS, z. B. 0170 1234567.',
  'details.group': 'Gruppe',
  'details.groupChoose': 'Bitte wählen',
  'details.contactRequired': 'Bitte geben Sie eine Handynummer oder E-Mail-Adresse an und bestätigen Sie sie mit dem Code.',
  'details.submit': 'Termin verbindlich buchen',
  'details.submitting': 'Buchung wird abgeschlossen …',
  'details.required': 'Bitte ausfüllen.',
  'details.badDob': 'Bitte als Tag.Monat.Jahr eingeben, z. B. 12.08.1948.',
  'details.futureDob': 'Das Geburtsdatum liegt in der Zukunft.',
  'details.badEmail': 'Das ist keine gültige E-Mail-Adresse.',
  'details.badPhone': 'Das ist keine gültige Telefonnummer.',
  'details.privacy': 'Ihre Angaben werden nur für diesen Impftermin verwendet.',
  'details.save': 'Angaben speichern',
  'details.saved': 'Ihre Angaben sind gespeichert. Wenn Sie an der Reihe sind, buchen Sie mit einem Klick.',

  'eligibility.tooYoung': 'Am Tag der Impfung ({day}) sind Sie {age} Jahre alt. Gebucht werden kann ab {min} Jahren.',
  'eligibility.tooOld': 'Am Tag der Impfung ({day}) sind Sie {age} Jahre alt. Dieses Angebot gilt bis {max} Jahre.',
  'eligibility.district': 'Dieses Angebot gilt nur für Menschen aus {districts}. Ihre Postleitzahl gehört nicht dazu.',
  'eligibility.group': 'Dieses Angebot gilt nur für diese Gruppen: {groups}.',
  'eligibility.alreadyBooked': 'Für diese Person gibt es schon eine Buchung. Sie können sie unter „Termin verwalten“ ansehen oder verschieben.',
  'eligibility.otherPerson':
    'Ihr Platz in der Warteschlange gilt für die Person, deren Angaben Sie beim Warten eingegeben haben. Bitte buchen Sie mit genau diesen Angaben (Vorname, Nachname, Geburtsdatum).',

  'verify.title': 'Kontakt bestätigen',
  'verify.sendSms': 'Code per SMS senden',
  'verify.sendEmail': 'Code per E-Mail senden',
  'verify.sent': 'Wir haben einen 6-stelligen Code an {contact} gesendet. Er gilt 30 Minuten.',
  'verify.code': 'Bestätigungscode',
  'verify.confirm': 'Code bestätigen',
  'verify.done': '{contact} ist bestätigt.',
  'verify.wrong': 'Der Code stimmt nicht oder ist abgelaufen.',
  'verify.locked': 'Zu viele falsche Versuche. Bitte warten Sie 15 Minuten.',
  'verify.tooMany': 'Zu viele Codes angefordert. Bitte warten Sie etwas.',

  'confirm.title': 'Ihr Termin ist gebucht',
  'confirm.code': 'Ihr Buchungscode',
  'confirm.codeHint': 'Bitte notieren Sie den Code. Mit ihm und Ihrem Geburtsdatum können Sie den Termin ansehen, verschieben oder absagen.',
  'confirm.copy': 'Code kopieren',
  'confirm.copied': 'Der Code ist kopiert.',
  'confirm.appointments': 'Ihre Termine',
  'confirm.dose': '{dose}. Impfung',
  'confirm.map': 'Auf der Karte zeigen',
  'confirm.calendar': 'In den Kalender eintragen (.ics)',
  'confirm.print': 'Drucken',
  'confirm.bring': 'Bitte bringen Sie Ihren Ausweis, die Krankenversicherungskarte und – falls vorhanden – Ihren Impfpass mit.',
  'confirm.messages': 'Bestätigung',
  'confirm.msg.queued': 'wird versendet',
  'confirm.msg.delayed': 'verzögert – wir versuchen es weiter',
  'confirm.msg.sent': 'versendet',
  'confirm.msg.failed': 'konnte nicht zugestellt werden – Ihr Termin gilt trotzdem',
  'confirm.msg.cancelled': 'nicht mehr nötig',
  'confirm.msg.none': 'Sie haben keine Kontaktdaten angegeben; es wird keine Nachricht versendet. Ihr Termin gilt.',
  'confirm.channel.email': 'E-Mail',
  'confirm.channel.sms': 'SMS',
  'confirm.needDob': 'Bitte geben Sie Ihr Geburtsdatum ein, um die Buchung zu sehen.',
  'confirm.show': 'Anzeigen',
  'confirm.qr': 'QR-Code für den Check-in',

  'manage.title': 'Termin verwalten',
  'manage.intro': 'Geben Sie Ihren Buchungscode und Ihr Geburtsdatum ein.',
  'manage.code': 'Buchungscode',
  'manage.codeHint': '8 Zeichen, z. B. ABCD-2345',
  'manage.find': 'Buchung anzeigen',
  'manage.notFound': 'Wir finden keine Buchung mit diesem Code und Geburtsdatum. Bitte prüfen Sie beide Angaben.',
  'manage.tooMany':
    'Zu viele falsche Versuche mit diesem Buchungscode. Zu Ihrem Schutz ist er für höchstens 15 Minuten gesperrt. Bitte versuchen Sie es danach erneut oder rufen Sie die Hotline an.',
  'manage.status.active': 'Gebucht',
  'manage.status.cancelled': 'Abgesagt',
  'manage.cancel': 'Termin absagen',
  'manage.cancelSure': 'Möchten Sie wirklich beide Termine absagen? Die Termine werden sofort für andere frei.',
  'manage.cancelYes': 'Ja, absagen',
  'manage.cancelNo': 'Nein, behalten',
  'manage.cancelled': 'Ihre Termine sind abgesagt.',
  'manage.rebook': 'Termin verschieben',
  'manage.for': 'Für {name}',

  'room.title': 'Warteraum',
  'room.opensIn': 'Die Termine werden in {time} freigegeben ({when}).',
  'room.prequeue': 'Sie sind im Warteraum. Bei der Freigabe wird die Reihenfolge aller, die jetzt schon warten, ausgelost.',
  'room.join': 'In den Warteraum eintreten',
  'room.joining': 'Ihr Platz wird vorbereitet … ({percent} %)',
  'room.joinHint': 'Ihr Gerät löst dazu eine kleine Rechenaufgabe. Das hält Programme fern, die sich vordrängeln wollen, und dauert nur Sekunden.',
  'room.notYet': 'Der Warteraum öffnet am {when}.',
  'room.position': 'Ihr Platz',
  'room.ahead': 'Vor Ihnen: {count}',
  'room.eta': 'Voraussichtlich in {min} bis {max} Minuten an der Reihe.',
  'room.etaUnknown': 'Die Wartezeit wird berechnet, sobald der Einlass läuft.',
  'room.remaining': 'Noch {count} Termine frei.',
  'room.outlook.likely': 'Nach heutigem Stand reichen die Termine für Ihren Platz.',
  'room.outlook.unlikely': 'Nach heutigem Stand reichen die Termine wahrscheinlich nicht für Ihren Platz. Sie können trotzdem warten.',
  'room.announce': 'Ihr Platz: {position}. Vor Ihnen: {ahead}.',
  'room.paused': 'Der Einlass ist kurz angehalten. Ihr Platz bleibt erhalten.',
  'room.closed': 'Dieser Warteraum ist geschlossen.',
  'room.admitted': 'Sie sind an der Reihe!',
  'room.choose': 'Jetzt Termin wählen',
  'room.admittedUntil': 'Bitte wählen Sie Ihren Termin bis {time} Uhr.',
  'room.soldOut': 'Alle Termine dieser Freigabe sind vergeben.',
  'room.soldOutNext': 'Die nächste Freigabe ist am {when}.',
  'room.soldOutCenters': 'Hier gibt es noch freie Termine:',
  'room.soldOutWaitlist': 'Auf der Warteliste bekommen Sie ein Angebot, sobald ein Termin frei wird – hier im Internet oder über die telefonische Buchung.',
  'room.keep': 'Ihren Platz behalten',
  'room.keepText': 'Mit diesem Code kommen Sie auf einem anderen Gerät oder nach dem Schließen des Browsers an Ihren Platz zurück:',
  'room.keepLink': 'Link zu Ihrem Platz',
  'room.resume': 'Ich habe schon einen Platz',
  'room.resumeCode': 'Wiederherstellungscode',
  'room.resumeSubmit': 'Platz wiederherstellen',
  'room.resumeUnknown': 'Zu diesem Code gibt es keinen Platz.',
  'room.lost': 'Ihr Platz in dieser Warteschlange ist nicht mehr gültig.',
  'room.leave': 'Warteschlange verlassen',
  'room.prepare': 'Schon jetzt vorbereiten',
  'room.prepareText': 'Geben Sie Ihre Angaben jetzt ein. Wenn Sie an der Reihe sind, wählen Sie nur noch den Termin.',
  'room.duplicate': 'Für diese Person gibt es schon einen besseren Platz in der Warteschlange. Dieser Platz wurde freigegeben.',
  'room.stay': 'Lassen Sie diese Seite offen; sie aktualisiert sich von selbst.',

  'waitlist.title': 'Warteliste',
  'waitlist.cta': 'Auf die Warteliste setzen',
  'waitlist.intro':
    'Sobald ein Termin frei wird, der zu Ihren Wünschen passt, schicken wir Ihnen ein Angebot per SMS oder E-Mail. Wer zuerst auf der Liste steht, bekommt zuerst ein Angebot.',
  'waitlist.where': 'Wo möchten Sie geimpft werden?',
  'waitlist.nearMe': 'In der Nähe meiner Postleitzahl',
  'waitlist.distance': 'Höchstens so weit entfernt',
  'waitlist.km': '{km} km',
  'waitlist.someCenters': 'Nur in diesen Impfzentren:',
  'waitlist.chooseCenter': 'Bitte wählen Sie mindestens ein Impfzentrum.',
  'waitlist.when': 'Wann können Sie kommen?',
  'waitlist.earliest': 'Frühestens am (freiwillig)',
  'waitlist.latest': 'Spätestens am (freiwillig)',
  'waitlist.dateHint': 'Tag.Monat.Jahr, z. B. 15.01.2027',
  'waitlist.badDate': 'Bitte geben Sie ein Datum wie 15.01.2027 ein.',
  'waitlist.latestBeforeEarliest': 'Dieses Datum liegt vor dem {day}.',
  'waitlist.weekdays': 'An diesen Wochentagen:',
  'waitlist.chooseWeekday': 'Bitte wählen Sie mindestens einen Wochentag.',
  'waitlist.you': 'Ihre Angaben',
  'waitlist.contactHint':
    'Das Angebot schicken wir an Ihre Handynummer oder E-Mail-Adresse. Bitte bestätigen Sie eine davon mit dem Code, den wir Ihnen senden.',
  'waitlist.submit': 'Auf die Warteliste setzen',
  'waitlist.verifyFirst': 'Bitte bestätigen Sie zuerst Ihre Handynummer oder E-Mail-Adresse. Dorthin schicken wir das Angebot.',
  'waitlist.already': 'Sie stehen bereits auf dieser Warteliste.',
  'waitlist.onList': 'Sie stehen auf der Warteliste.',
  'waitlist.position': 'Ihr Platz: {position}',
  'waitlist.howOffer':
    'Sobald ein passender Termin frei wird, bekommen Sie ein Angebot per SMS oder E-Mail. Sie können diese Seite schließen und später wieder öffnen.',
  'waitlist.offerOpen': 'Ein Termin ist für Sie frei!',
  'waitlist.toOffer': 'Angebot ansehen',
  'waitlist.leave': 'Warteliste verlassen',
  'waitlist.leaveConfirm': 'Möchten Sie die Warteliste wirklich verlassen? Ihr Platz geht dann verloren.',
  'waitlist.left': 'Sie haben die Warteliste verlassen.',
  'waitlist.booked': 'Sie haben über die Warteliste einen Termin gebucht.',
  'waitlist.unknown': 'Dieser Platz auf der Warteliste wurde nicht gefunden.',
  'draw.title': 'Auslosung prüfen',
  'draw.intro':
    'Wer vor der Freigabe in den Warteraum kam, wurde bei der Freigabe ausgelost. Hier rechnet Ihr Telefon selbst nach, dass die Auslosung stimmt. Sie müssen dem Server nicht vertrauen.',
  'draw.ticket': 'Ihr Los (Ticket-Nummer)',
  'draw.noTicket': 'In diesem Browser ist kein Platz im Warteraum gespeichert.',
  'draw.seedHash': 'Prüfwert, vor der Freigabe veröffentlicht (SHA-256 des Schlüssels)',
  'draw.seed': 'Schlüssel der Auslosung',
  'draw.seedLater': 'wird bei der Freigabe am {when} veröffentlicht',
  'draw.noCrypto': 'Dieser Browser kann hier nicht selbst rechnen. Sie können die Auslosung mit den Angaben oben an einem Computer prüfen.',
  'draw.seedOk': 'Der Schlüssel passt zum Prüfwert, der vor der Freigabe veröffentlicht wurde.',
  'draw.seedBad': 'Der Schlüssel passt NICHT zum vorher veröffentlichten Prüfwert.',
  'draw.yourDraw': 'Ihre Losnummer (HMAC-SHA256 Ihrer Ticket-Nummer mit dem Schlüssel):',
  'draw.shownRank': 'Der Warteraum nennt Ihnen Platz {rank} in der Auslosung.',
  'draw.notDrawn': 'Sie kamen nach der Freigabe in den Warteraum. Für Sie gilt die Reihenfolge der Ankunft.',
  'draw.checkAll': 'Ganze Reihenfolge nachrechnen',
  'draw.computing': 'Lose werden nachgerechnet',
  'draw.orderOk': 'Nachgerechnete Lose: {count}. Die veröffentlichte Reihenfolge stimmt.',
  'draw.orderBad': 'Nachgerechnete Lose: {count}. Die veröffentlichte Reihenfolge stimmt NICHT.',
  'draw.rank': 'Ihr Platz in der Auslosung: {rank}',
  'draw.rankDiffers': 'Der Warteraum hatte Platz {rank} genannt.',
  'draw.back': 'Zurück zum Warteraum',
  'draw.link': 'Auslosung prüfen',
  'legal.noVideos': 'Die Videos in Gebärdensprache stellt der Betreiber dieses Portals bereit. Noch sind keine da.',
  'legal.reportTitle': 'Barriere melden',
  'legal.message': 'Was hat Sie behindert?',
  'legal.where': 'Auf welcher Seite? (freiwillig)',
  'legal.contact': 'Ihre E-Mail-Adresse oder Telefonnummer (freiwillig)',
  'legal.contactHint': 'Nur wenn Sie eine Antwort möchten.',
  'legal.send': 'Meldung senden',
  'legal.thanks': 'Danke! Ihre Meldung ist angekommen. Wir kümmern uns darum.',
  'footer.legal': 'Rechtliches und Barrierefreiheit',
  'footer.impressum': 'Impressum',
  'footer.privacy': 'Datenschutz',
  'footer.accessibility': 'Barrierefreiheit',
  'footer.easy': 'Leichte Sprache',
  'footer.sign': 'Gebärdensprache',
  'data.title': 'Ihre Daten',
  'data.intro': 'Hier sehen Sie alles, was wir zu diesem Termin über Sie gespeichert haben. Sie können den Termin absagen und Ihre Daten löschen lassen.',
  'data.show': 'Gespeicherte Daten ansehen',
  'data.download': 'Als Datei herunterladen (JSON)',
  'data.email': 'E-Mail-Adresse',
  'data.phone': 'Handynummer',
  'data.none': 'keine',
  'data.messages': 'Nachrichten an Sie',
  'data.waitlist': 'Einträge auf der Warteliste dieser Kampagne: {count}',
  'data.erase': 'Termin absagen und meine Daten löschen',
  'data.eraseSure': 'Möchten Sie wirklich absagen und Ihre Daten löschen? Das lässt sich nicht rückgängig machen. Sie bekommen keine Nachricht mehr.',
  'data.eraseYes': 'Ja, absagen und löschen',
  'data.erased': 'Ihr Termin ist abgesagt und Ihre Daten sind gelöscht. Mit dem Buchungscode findet man ihn nicht mehr.',
  'offer.title': 'Terminangebot von der Warteliste',
  'offer.until': 'Bitte sagen Sie bis {when} zu.',
  'offer.accept': 'Termin annehmen',
  'offer.decline': 'Ablehnen',
  'offer.declined': 'Sie haben abgelehnt. Sie bleiben auf der Warteliste.',
  'offer.expired': 'Die Zeit für dieses Angebot ist abgelaufen.',
  'offer.closed': 'Dieses Angebot wurde schon beantwortet.',
  'offer.missing': 'Dieses Angebot gibt es nicht.',

  'common.back': 'Zurück',
  'common.or': 'oder',
  'common.minutes': '{count} Min.',
  'common.clock': '{time} Uhr',
};

export type Key = keyof typeof de;

export type Lang = 'de' | 'en';
/** German is in the app itself; another language's catalogue is a file of its own, loaded only by who reads it. */
const texts: Partial<Record<Lang, Record<Key, string>>> = { de };

/** Loads a language's catalogue (once); German needs none. */
export async function loadLang(l: Lang): Promise<void> {
  if (!texts[l] && l === 'en') texts.en = (await import('./i18n-en.js')).en;
}

/** German unless the person chose English (kept for their next visit) or the link says ?lang=en. */
let current: Lang = (() => {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (fromUrl === 'de' || fromUrl === 'en') return fromUrl;
  return kept.get<Lang>('lang') === 'en' ? 'en' : 'de';
})();

export const lang = (): Lang => current;

export async function setLang(next: Lang): Promise<void> {
  await loadLang(next);
  current = next;
  kept.set('lang', next);
  document.documentElement.lang = next;
}

export function t(key: Key, params: Record<string, string | number> = {}): string {
  return (texts[current] ?? de)[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

/**
 * Times are shown in a zone: an appointment's in its centre's (`center.timeZone`), everything else
 * (release instants, deadlines) in the installation's, which /api/v1/info announces.
 */
let installationZone = INSTALLATION_ZONE;
export const setInstallationZone = (zone: string): void => {
  installationZone = zone;
};
const locale = () => (current === 'de' ? 'de-DE' : 'en-GB');
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const fmt = (options: Intl.DateTimeFormatOptions) => (iso: string, zone?: string) =>
  // A calendar day (YYYY-MM-DD) is the same day everywhere: shown as noon UTC in UTC.
  DATE_ONLY.test(iso)
    ? new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', ...options }).format(new Date(`${iso}T12:00:00Z`))
    : new Intl.DateTimeFormat(locale(), { timeZone: zone ?? installationZone, ...options }).format(new Date(iso));

/** "Mo., 24.11.2026" / "Mon, 24 Nov 2026" */
export const day = fmt({ weekday: 'short', day: '2-digit', month: '2-digit', year: 'numeric' });
/** "Montag, 24. November 2026" / "Monday 24 November 2026" */
export const longDay = fmt({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
/** "08:30" */
export const clock = fmt({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const clockWithSeconds = fmt({ hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
/** "Mo., 24.11.2026, 08:30 Uhr", with the seconds when an instant has them ("01:34:55 Uhr", not "01:34 Uhr"). */
export const when = (iso: string, zone?: string): string => {
  const time = !DATE_ONLY.test(iso) && Date.parse(iso) % 60_000 !== 0 ? clockWithSeconds(iso, zone) : clock(iso, zone);
  return `${day(iso, zone)}, ${t('common.clock', { time })}`;
};

/** "3:05" for a countdown. */
export function minutesSeconds(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** "2 Std. 5 Min." style countdown for longer waits. */
export function duration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return current === 'de' ? `${s} Sekunden` : `${s} seconds`;
  const m = Math.round(s / 60);
  if (m < 60) return t('common.minutes', { count: m });
  const hours = Math.floor(m / 60);
  return current === 'de' ? `${hours} Std. ${m % 60} Min.` : `${hours} h ${m % 60} min`;
}

export const number = (n: number): string => new Intl.NumberFormat(locale()).format(n);
export const decimal = (n: number): string => new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(n);

const WEEKDAYS: Record<Lang, string[]> = {
  de: ['Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa', 'So'],
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
};

/** "Mo–Fr" for ISO weekdays [1..5]. */
export function weekdays(days: number[]): string {
  const names = WEEKDAYS[current];
  const first = days[0]!;
  const last = days[days.length - 1]!;
  return first === last ? names[first - 1]! : `${names[first - 1]}–${names[last - 1]}`;
}

/** Reads a date typed the German way ("12.08.1948", four-digit year) or as 1948-08-12; null if it is no real day. */
export function parseDate(text: string): string | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const german = /^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})$/.exec(text);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : german ? [german[3], german[2], german[1]] : [];
  if (!y || !m || !d) return null;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d) || Number(y) < 1900) return null;
  return date.toISOString().slice(0, 10);
}

/** 1948-08-12 -> "12.08.1948" (how a date of birth is typed here, whatever the language). */
export const typedDate = (isoDay: string): string => isoDay.split('-').reverse().join('.');
