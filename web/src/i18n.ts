import { kept } from './storage.js';
import { INSTALLATION_ZONE } from '../../src/time/zone.js';

/** Every text of the app in German (the default) and English. Keys are checked by the compiler. */
const de = {
  'app.name': 'Impftermine',
  'app.skip': 'Zum Inhalt springen',
  'app.switch': 'English',
  'app.switchLabel': 'Switch to English',
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

type Key = keyof typeof de;

const en: Record<Key, string> = {
  'app.name': 'Vaccination appointments',
  'app.skip': 'Skip to content',
  'app.switch': 'Deutsch',
  'app.switchLabel': 'Auf Deutsch wechseln',
  'app.loading': 'Loading …',
  'app.home': 'Home',
  busy: 'Very many people are booking right now. We will try again by ourselves in {seconds} s – please stay on this page.',
  'error.unreachable': 'The server cannot be reached right now. Please try again in a moment.',
  'error.generic': 'That did not work: {message}',
  'error.notFoundPage': 'This page does not exist.',

  'start.title': 'Book a vaccination appointment',
  'start.intro': 'Book your vaccination at a centre near you. Where two doses are needed, you get both appointments together.',
  'start.noCampaigns': 'No appointments can be booked at the moment.',
  'start.who': 'Who can book?',
  'start.releases': 'When appointments open',
  'start.openNow': 'Open for booking now',
  'start.search': 'Find an appointment',
  'start.toRoom': 'Go to the waiting room',
  'start.opensAt': 'Opens on {when}',
  'start.countdown': '{time} minutes to go',
  'start.roomOpensAt': 'The waiting room opens on {when}.',
  'start.roomOpen': 'The waiting room is already open. Everyone there before the opening gets a place by lot – coming early gives no advantage.',
  'start.manage': 'View, move or cancel your booking',
  'start.hotline': 'Book by phone',
  'start.hotlineText': 'You can also book by phone: {phone}',
  'start.how': 'How it works',
  'start.how1': 'Enter your postal code and choose a centre near you.',
  'start.how2': 'Choose a day and time. The appointment is reserved for you for 10 minutes.',
  'start.how3': 'Give your name, date of birth and postal code and confirm. You receive a booking code.',
  'start.fair': 'Fast clicking gives no advantage: in the waiting room a verifiable lot decides at the opening, after that the order of arrival.',

  'rules.age': 'People aged {min} or over',
  'rules.ageRange': 'People aged {min} to {max}',
  'rules.ageMax': 'People up to {max} years old',
  'rules.anyAge': 'People of any age',
  'rules.ageDay': 'Your age on the day of the first dose counts.',
  'rules.districts': 'Living in: {districts}',
  'rules.groups': 'Only for these groups: {groups}',
  'rules.doses2': '{vaccine}: two doses {min} to {max} days apart. You book both appointments at once.',
  'rules.doses1': '{vaccine}: one dose.',
  'rules.verified': 'You need a mobile number or e-mail address to which we send a confirmation code.',

  'hours.title': 'Hours',
  'hours.line': '{days}: {opens}–{closes}',

  'search.title': 'Find an appointment',
  'search.admitted': 'It is your turn. Choose your appointment now.',
  'search.rebook': 'Choose a new appointment for booking {code}',
  'search.postalCode': 'Postal code',
  'search.postalHint': '5 digits, e.g. 58332',
  'search.submit': 'Search',
  'search.locate': 'Use my location',
  'search.locating': 'Finding your location …',
  'search.locateFailed': 'Your location is not available. Please enter your postal code.',
  'search.badPostal': 'Please enter a postal code of 5 digits.',
  'search.unknownPostal': 'We do not know this postal code. Please check it.',
  'search.results': 'Centres near you',
  'search.resultsCount': '{count} centres with free appointments found.',
  'search.none': 'There are no free appointments near you right now.',
  'search.noneNext': 'The next appointments open on {when}.',
  'search.distance': '{km} km away',
  'search.free': '{count} free',
  'search.days': 'Days with free appointments',
  'search.chooseDay': 'Choose a day',
  'search.times': 'Times on {day}',
  'search.secondDose':
    'The appointment for the second dose is reserved automatically {min} to {max} days later at the same centre and shown to you before you confirm.',
  'search.holding': 'Reserving the appointment …',
  'search.taken': 'This appointment was just taken. Please choose another one – the list has been updated.',
  'search.linked': 'The appointment you chose: {when}. It is marked below. Tap it to reserve it.',
  'search.linkedGone': 'The appointment you chose is no longer free. Here are the other free appointments at this centre.',
  'search.linkedCenterFull': 'This centre has no free appointments right now. Please search with your postal code for other centres.',
  'search.linkedSlot': 'Your chosen appointment',
  'search.noSecond': 'There is no free second-dose appointment in the required interval for this one. Please choose another day or centre.',
  'search.notReleased': 'These appointments are not open yet.',
  'search.needRoom': 'These appointments are given out through the waiting room.',
  'search.admissionGone': 'Your time to book has run out. Please join the waiting room again.',
  'search.alreadyHolding': 'You have already reserved an appointment.',
  'search.continueHold': 'Continue with the reservation',
  'search.rebooked': 'Your appointment has been moved.',

  'details.title': 'Your details',
  'details.reserved': 'Reserved for you',
  'details.remaining': 'Reserved for {time} more minutes.',
  'details.remainingSoon': 'Only {time} minutes left – please confirm now.',
  'details.expired': 'The reservation has run out and the appointment is free again. Please choose again.',
  'details.noHold': 'You have not reserved an appointment.',
  'details.newSearch': 'Find a new appointment',
  'details.firstName': 'First name',
  'details.lastName': 'Last name',
  'details.dob': 'Date of birth',
  'details.dobHint': 'Day.Month.Year, e.g. 12.08.1948',
  'details.postalCode': 'Postal code of your home',
  'details.email': 'E-mail address (optional)',
  'details.emailHint': 'For the confirmation with a calendar entry.',
  'details.emailPlain': 'E-mail address',
  'details.phonePlain': 'Mobile number',
  'details.phone': 'Mobile number (optional)',
  'details.phoneHint': 'For the confirmation by SMS, e.g. 0170 1234567.',
  'details.group': 'Group',
  'details.groupChoose': 'Please choose',
  'details.contactRequired': 'Please give a mobile number or e-mail address and confirm it with the code.',
  'details.submit': 'Book this appointment',
  'details.submitting': 'Completing the booking …',
  'details.required': 'Please fill this in.',
  'details.badDob': 'Please enter as Day.Month.Year, e.g. 12.08.1948.',
  'details.futureDob': 'The date of birth is in the future.',
  'details.badEmail': 'This is not a valid e-mail address.',
  'details.badPhone': 'This is not a valid phone number.',
  'details.privacy': 'Your details are used for this appointment only.',
  'details.save': 'Save details',
  'details.saved': 'Your details are saved. When it is your turn, you book with one click.',

  'eligibility.tooYoung': 'On the day of the vaccination ({day}) you will be {age}. Booking is open from {min} years.',
  'eligibility.tooOld': 'On the day of the vaccination ({day}) you will be {age}. This offer is for people up to {max}.',
  'eligibility.district': 'This offer is only for people living in {districts}. Your postal code is not part of it.',
  'eligibility.group': 'This offer is only for these groups: {groups}.',
  'eligibility.alreadyBooked': 'This person already has a booking. You can view or move it under "Manage booking".',
  'eligibility.otherPerson':
    'Your place in line is for the person whose details you entered while waiting. Please book with exactly those details (first name, last name, date of birth).',

  'verify.title': 'Confirm your contact',
  'verify.sendSms': 'Send code by SMS',
  'verify.sendEmail': 'Send code by e-mail',
  'verify.sent': 'We have sent a 6-digit code to {contact}. It is valid for 30 minutes.',
  'verify.code': 'Confirmation code',
  'verify.confirm': 'Confirm code',
  'verify.done': '{contact} is confirmed.',
  'verify.wrong': 'The code is wrong or has expired.',
  'verify.locked': 'Too many wrong codes. Please wait 15 minutes.',
  'verify.tooMany': 'Too many codes requested. Please wait a little.',

  'confirm.title': 'Your appointment is booked',
  'confirm.code': 'Your booking code',
  'confirm.codeHint': 'Please note the code. With it and your date of birth you can view, move or cancel the appointment.',
  'confirm.copy': 'Copy code',
  'confirm.copied': 'The code has been copied.',
  'confirm.appointments': 'Your appointments',
  'confirm.dose': 'Dose {dose}',
  'confirm.map': 'Show on map',
  'confirm.calendar': 'Add to calendar (.ics)',
  'confirm.print': 'Print',
  'confirm.bring': 'Please bring your ID, your health insurance card and, if you have one, your vaccination record.',
  'confirm.messages': 'Confirmation',
  'confirm.msg.queued': 'being sent',
  'confirm.msg.delayed': 'delayed – we keep trying',
  'confirm.msg.sent': 'sent',
  'confirm.msg.failed': 'could not be delivered – your appointment is valid all the same',
  'confirm.msg.cancelled': 'no longer needed',
  'confirm.msg.none': 'You gave no contact details, so no message is sent. Your appointment is valid.',
  'confirm.channel.email': 'E-mail',
  'confirm.channel.sms': 'SMS',
  'confirm.needDob': 'Please enter your date of birth to see the booking.',
  'confirm.show': 'Show',
  'confirm.qr': 'QR code for check-in',

  'manage.title': 'Manage booking',
  'manage.intro': 'Enter your booking code and your date of birth.',
  'manage.code': 'Booking code',
  'manage.codeHint': '8 characters, e.g. ABCD-2345',
  'manage.find': 'Show booking',
  'manage.notFound': 'We find no booking with this code and date of birth. Please check both.',
  'manage.tooMany':
    'Too many wrong tries with this booking code. For your protection it is locked for up to 15 minutes. Please try again then, or call the hotline.',
  'manage.status.active': 'Booked',
  'manage.status.cancelled': 'Cancelled',
  'manage.cancel': 'Cancel appointment',
  'manage.cancelSure': 'Do you really want to cancel both appointments? They become free for others at once.',
  'manage.cancelYes': 'Yes, cancel',
  'manage.cancelNo': 'No, keep them',
  'manage.cancelled': 'Your appointments are cancelled.',
  'manage.rebook': 'Move appointment',
  'manage.for': 'For {name}',

  'room.title': 'Waiting room',
  'room.opensIn': 'Appointments open in {time} ({when}).',
  'room.prequeue': 'You are in the waiting room. At the opening, the order of everyone already waiting is drawn by lot.',
  'room.join': 'Enter the waiting room',
  'room.joining': 'Preparing your place … ({percent} %)',
  'room.joinHint': 'Your device solves a small puzzle for this. It keeps away programs that try to jump the queue, and takes only seconds.',
  'room.notYet': 'The waiting room opens on {when}.',
  'room.position': 'Your place',
  'room.ahead': 'Ahead of you: {count}',
  'room.eta': 'Your turn is expected in {min} to {max} minutes.',
  'room.etaUnknown': 'The waiting time is estimated once admission has started.',
  'room.remaining': '{count} appointments still free.',
  'room.outlook.likely': 'As things stand, there are enough appointments for your place.',
  'room.outlook.unlikely': 'As things stand, the appointments will probably not reach your place. You may wait all the same.',
  'room.announce': 'Your place: {position}. Ahead of you: {ahead}.',
  'room.paused': 'Admission is paused for a moment. Your place is kept.',
  'room.closed': 'This waiting room is closed.',
  'room.admitted': 'It is your turn!',
  'room.choose': 'Choose your appointment now',
  'room.admittedUntil': 'Please choose your appointment by {time}.',
  'room.soldOut': 'All appointments of this release are taken.',
  'room.soldOutNext': 'The next appointments open on {when}.',
  'room.soldOutCenters': 'Free appointments are still available here:',
  'room.soldOutWaitlist': 'On the wait list you get an offer as soon as an appointment becomes free – join here online or by phone.',
  'room.keep': 'Keep your place',
  'room.keepText': 'With this code you get back to your place on another device or after closing the browser:',
  'room.keepLink': 'Link to your place',
  'room.resume': 'I already have a place',
  'room.resumeCode': 'Recovery code',
  'room.resumeSubmit': 'Restore my place',
  'room.resumeUnknown': 'There is no place for this code.',
  'room.lost': 'Your place in this line is no longer valid.',
  'room.leave': 'Leave the line',
  'room.prepare': 'Get ready now',
  'room.prepareText': 'Enter your details now. When it is your turn, you only choose the appointment.',
  'room.duplicate': 'This person already has a better place in the line. This place was given up.',
  'room.stay': 'Keep this page open; it updates by itself.',

  'waitlist.title': 'Wait list',
  'waitlist.cta': 'Join the wait list',
  'waitlist.intro':
    'As soon as an appointment that suits your wishes becomes free, we send you an offer by text message or e-mail. Whoever joined the list first gets an offer first.',
  'waitlist.where': 'Where would you like to be vaccinated?',
  'waitlist.nearMe': 'Near my postal code',
  'waitlist.distance': 'At most this far away',
  'waitlist.km': '{km} km',
  'waitlist.someCenters': 'Only at these centres:',
  'waitlist.chooseCenter': 'Please choose at least one centre.',
  'waitlist.when': 'When can you come?',
  'waitlist.earliest': 'Not before (optional)',
  'waitlist.latest': 'Not after (optional)',
  'waitlist.dateHint': 'Day.Month.Year, e.g. 15.01.2027',
  'waitlist.badDate': 'Please enter a date like 15.01.2027.',
  'waitlist.latestBeforeEarliest': 'This date is before {day}.',
  'waitlist.weekdays': 'On these days of the week:',
  'waitlist.chooseWeekday': 'Please choose at least one day of the week.',
  'waitlist.you': 'About you',
  'waitlist.contactHint': 'We send the offer to your mobile number or e-mail address. Please confirm one of them with the code we send you.',
  'waitlist.submit': 'Join the wait list',
  'waitlist.verifyFirst': 'Please confirm your mobile number or e-mail address first. That is where we send the offer.',
  'waitlist.already': 'You are already on this wait list.',
  'waitlist.onList': 'You are on the wait list.',
  'waitlist.position': 'Your place: {position}',
  'waitlist.howOffer':
    'As soon as a suitable appointment becomes free, you get an offer by text message or e-mail. You can close this page and open it again later.',
  'waitlist.offerOpen': 'An appointment is free for you!',
  'waitlist.toOffer': 'See the offer',
  'waitlist.leave': 'Leave the wait list',
  'waitlist.leaveConfirm': 'Do you really want to leave the wait list? You will lose your place.',
  'waitlist.left': 'You have left the wait list.',
  'waitlist.booked': 'You booked an appointment through the wait list.',
  'waitlist.unknown': 'This place on the wait list was not found.',
  'draw.title': 'Check the draw',
  'draw.intro':
    'Everyone who entered the waiting room before the opening was placed by lot at the opening. Here your phone recomputes the draw itself, so you need not trust the server.',
  'draw.ticket': 'Your ticket (ticket number)',
  'draw.noTicket': 'No place in the waiting room is saved in this browser.',
  'draw.seedHash': 'Check value published before the opening (SHA-256 of the key)',
  'draw.seed': 'Key of the draw',
  'draw.seedLater': 'published at the opening on {when}',
  'draw.noCrypto': 'This browser cannot compute here. You can check the draw on a computer with the figures above.',
  'draw.seedOk': 'The key matches the check value published before the opening.',
  'draw.seedBad': 'The key does NOT match the check value published before.',
  'draw.yourDraw': 'Your lot (HMAC-SHA256 of your ticket number with the key):',
  'draw.shownRank': 'The waiting room gives you place {rank} in the draw.',
  'draw.notDrawn': 'You entered the waiting room after the opening. For you, the order of arrival counts.',
  'draw.checkAll': 'Recompute the whole order',
  'draw.computing': 'Recomputing the lots',
  'draw.orderOk': 'Lots recomputed: {count}. The published order is correct.',
  'draw.orderBad': 'Lots recomputed: {count}. The published order is NOT correct.',
  'draw.rank': 'Your place in the draw: {rank}',
  'draw.rankDiffers': 'The waiting room had given place {rank}.',
  'draw.back': 'Back to the waiting room',
  'draw.link': 'Check the draw',
  'legal.noVideos': 'The videos in sign language are provided by the operator of this portal. There are none yet.',
  'legal.reportTitle': 'Report a barrier',
  'legal.message': 'What got in your way?',
  'legal.where': 'On which page? (optional)',
  'legal.contact': 'Your e-mail address or phone number (optional)',
  'legal.contactHint': 'Only if you would like an answer.',
  'legal.send': 'Send report',
  'legal.thanks': 'Thank you! Your report has arrived. We will look into it.',
  'footer.legal': 'Legal and accessibility',
  'footer.impressum': 'Legal notice',
  'footer.privacy': 'Privacy',
  'footer.accessibility': 'Accessibility',
  'footer.easy': 'Leichte Sprache (easy German)',
  'footer.sign': 'Sign language',
  'offer.title': 'An appointment from the wait list',
  'offer.until': 'Please accept by {when}.',
  'offer.accept': 'Accept appointment',
  'offer.decline': 'Decline',
  'offer.declined': 'You declined. You stay on the wait list.',
  'offer.expired': 'The time for this offer has passed.',
  'offer.closed': 'This offer has already been answered.',
  'offer.missing': 'This offer does not exist.',

  'common.back': 'Back',
  'common.or': 'or',
  'common.minutes': '{count} min',
  'common.clock': '{time}',
};

export type Lang = 'de' | 'en';
const texts: Record<Lang, Record<Key, string>> = { de, en };

/** German unless the person chose English (kept for their next visit) or the link says ?lang=en. */
let current: Lang = (() => {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (fromUrl === 'de' || fromUrl === 'en') return fromUrl;
  return kept.get<Lang>('lang') === 'en' ? 'en' : 'de';
})();

export const lang = (): Lang => current;

export function setLang(next: Lang): void {
  current = next;
  kept.set('lang', next);
  document.documentElement.lang = next;
}

export function t(key: Key, params: Record<string, string | number> = {}): string {
  return texts[current][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
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
