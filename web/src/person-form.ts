import { ApiError, api, type Person } from './api.js';
import { field, fieldError, formValues, h, notice, fill } from './dom.js';
import { errorText, lang, parseDate, t, typedDate } from './i18n.js';
import { tab } from './storage.js';

/**
 * The fields a booking needs, nothing more; filled from what the person typed earlier in this tab.
 * Phone and e-mail are optional unless the campaign needs one of them verified.
 */
export function personFields(priorityGroups: string[] | null, contactRequired = false): HTMLElement[] {
  const saved = tab.get<Person>('person');
  const fields = [
    field({ name: 'firstName', label: t('details.firstName'), autocomplete: 'given-name', required: true, value: saved?.firstName, maxlength: 100 }),
    field({ name: 'lastName', label: t('details.lastName'), autocomplete: 'family-name', required: true, value: saved?.lastName, maxlength: 100 }),
    field({
      name: 'dateOfBirth',
      label: t('details.dob'),
      hint: t('details.dobHint'),
      autocomplete: 'bday',
      inputmode: 'numeric',
      required: true,
      value: saved ? typedDate(saved.dateOfBirth) : '',
      maxlength: 10,
    }),
    field({
      name: 'postalCode',
      label: t('details.postalCode'),
      autocomplete: 'postal-code',
      inputmode: 'numeric',
      required: true,
      value: saved?.postalCode ?? tab.get<string>('postalCode') ?? '',
      maxlength: 5,
    }),
    field({
      name: 'email',
      label: t(contactRequired ? 'details.emailPlain' : 'details.email'),
      hint: t('details.emailHint'),
      type: 'email',
      autocomplete: 'email',
      value: saved?.email,
      maxlength: 254,
    }),
    field({
      name: 'phone',
      label: t(contactRequired ? 'details.phonePlain' : 'details.phone'),
      hint: t('details.phoneHint'),
      type: 'tel',
      autocomplete: 'tel',
      value: saved?.phone,
      maxlength: 25,
    }),
  ];
  if (priorityGroups) {
    fields.push(
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'f-priorityGroup' }, t('details.group')),
        h(
          'select',
          { id: 'f-priorityGroup', name: 'priorityGroup', required: true, 'aria-describedby': 'f-priorityGroup-error' },
          h('option', { value: '' }, t('details.groupChoose')),
          priorityGroups.map((g) => h('option', { value: g, selected: saved?.priorityGroup === g }, g)),
        ),
        h('p', { class: 'field-error', id: 'f-priorityGroup-error', hidden: true }),
      ),
    );
  }
  return fields;
}

/** Checks the form as the server would and marks each problem at its field; null if anything is wrong. */
export function readPerson(form: HTMLFormElement): Person | null {
  const v = formValues(form);
  let ok = true;
  const check = (name: string, problem: string | null) => {
    fieldError(form, name, problem);
    if (problem !== null) ok = false;
  };
  check('firstName', v.firstName ? null : t('details.required'));
  check('lastName', v.lastName ? null : t('details.required'));
  const dob = v.dateOfBirth ? parseDate(v.dateOfBirth) : null;
  check('dateOfBirth', !v.dateOfBirth ? t('details.required') : !dob ? t('details.badDob') : dob > today() ? t('details.futureDob') : null);
  check('postalCode', /^\d{5}$/.test(v.postalCode ?? '') ? null : t('search.badPostal'));
  check('email', !v.email || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email) ? null : t('details.badEmail'));
  check('phone', !v.phone || /^\+?[0-9][0-9 ()/-]{5,24}$/.test(v.phone) ? null : t('details.badPhone'));
  if (form.querySelector('[name="priorityGroup"]')) check('priorityGroup', v.priorityGroup ? null : t('details.required'));
  if (!ok) {
    form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    return null;
  }
  const person: Person = { firstName: v.firstName!, lastName: v.lastName!, dateOfBirth: dob!, postalCode: v.postalCode! };
  if (v.email) person.email = v.email;
  if (v.phone) person.phone = v.phone;
  if (v.priorityGroup) person.priorityGroup = v.priorityGroup;
  tab.set('person', person);
  return person;
}

const today = () => new Date().toISOString().slice(0, 10);

/** A person-facing sentence for a rule the server says this person does not meet, or null if it is another error. */
export function eligibilityProblem(err: unknown): string | null {
  if (!(err instanceof ApiError)) return null;
  if (err.code === 'ALREADY_BOOKED') return t('eligibility.alreadyBooked');
  if (err.code === 'ADMISSION_OTHER_PERSON') return t('eligibility.otherPerson');
  if (err.code !== 'NOT_ELIGIBLE') return null;
  const d = err.details;
  const day = typeof err.message === 'string' ? (/\((\d{4}-\d{2}-\d{2})\)/.exec(err.message)?.[1] ?? '') : '';
  const shownDay = day ? typedDate(day) : '';
  switch (d.reason) {
    case 'TOO_YOUNG':
      return t('eligibility.tooYoung', { day: shownDay, age: Number(d.age), min: Number(d.minAge) });
    case 'TOO_OLD':
      return t('eligibility.tooOld', { day: shownDay, age: Number(d.age), max: Number(d.maxAge) });
    case 'DISTRICT':
      return t('eligibility.district', { districts: (d.districts as string[]).join(', ') });
    case 'PRIORITY_GROUP':
      return t('eligibility.group', { groups: (d.priorityGroups as string[]).join(', ') });
    default:
      return errorText(err.code);
  }
}

/** Asks the server whether this person may book in this campaign for that day, before anything is submitted. */
export async function precheck(campaignId: number, person: Pick<Person, 'dateOfBirth' | 'postalCode' | 'priorityGroup'>, day: string): Promise<string | null> {
  try {
    await api('POST', '/api/v1/eligibility', {
      body: {
        campaignId,
        dateOfBirth: person.dateOfBirth,
        postalCode: person.postalCode,
        day,
        ...(person.priorityGroup ? { priorityGroup: person.priorityGroup } : {}),
      },
    });
    return null;
  } catch (err) {
    const problem = eligibilityProblem(err);
    if (problem !== null) return problem;
    if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') return errorText(err.code);
    return null; // the booking itself will say what is wrong
  }
}

/** Contacts verified in this tab, as "sms:+49..." / "email:..." keys. */
const verifiedKey = (channel: string, contact: string) => `${channel}:${contact.replace(/\s/g, '').toLowerCase()}`;
export const isVerified = (channel: 'sms' | 'email', contact: string): boolean => (tab.get<string[]>('verified') ?? []).includes(verifiedKey(channel, contact));

/**
 * Sends a code to the phone number or e-mail address typed into the form and confirms it.
 * `onVerified` runs once a contact is confirmed.
 */
export function verificationBox(form: HTMLFormElement, onVerified: () => void): HTMLElement {
  const box = h('fieldset', { class: 'verify' });
  const status = h('div', { 'aria-live': 'polite' });
  let sentTo: { channel: 'sms' | 'email'; contact: string } | null = null;

  const send = async (channel: 'sms' | 'email') => {
    const v = formValues(form);
    const contact = channel === 'sms' ? v.phone : v.email;
    const name = channel === 'sms' ? 'phone' : 'email';
    if (!contact) {
      fieldError(form, name, t('details.required'));
      form.querySelector<HTMLElement>(`[name="${name}"]`)?.focus();
      return;
    }
    fieldError(form, name, null);
    try {
      await api('POST', '/api/v1/verifications', { body: { channel, contact, locale: lang() } });
      sentTo = { channel, contact };
      fill(status, notice('info', t('verify.sent', { contact })));
      codeRow.hidden = false;
      codeRow.querySelector('input')!.focus();
    } catch (err) {
      const code = err instanceof ApiError ? err.code : '';
      if (code === 'CONTACT_INVALID' || code === 'VALIDATION_FAILED') fieldError(form, name, channel === 'sms' ? t('details.badPhone') : t('details.badEmail'));
      else
        fill(
          status,
          notice(
            'problem',
            code === 'RATE_LIMITED' || code === 'VERIFICATION_LOCKED'
              ? t('verify.tooMany')
              : err instanceof ApiError
                ? errorText(code)
                : t('error.unreachable'),
          ),
        );
    }
  };

  const confirm = async () => {
    const input = codeRow.querySelector('input')!;
    if (!sentTo) return;
    try {
      await api('POST', '/api/v1/verifications/confirm', { body: { ...sentTo, code: input.value.trim() } });
      const verified = tab.get<string[]>('verified') ?? [];
      verified.push(verifiedKey(sentTo.channel, sentTo.contact));
      tab.set('verified', verified);
      fill(status, notice('success', t('verify.done', { contact: sentTo.contact })));
      codeRow.hidden = true;
      onVerified();
    } catch (err) {
      const code = err instanceof ApiError ? err.code : '';
      fill(
        status,
        notice(
          'problem',
          code === 'VERIFICATION_LOCKED'
            ? t('verify.locked')
            : code === 'CODE_INVALID' || code === 'VALIDATION_FAILED'
              ? t('verify.wrong')
              : t('error.unreachable'),
        ),
      );
      input.focus();
    }
  };

  const codeRow = h(
    'div',
    { hidden: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-code' }, t('verify.code')),
      h('input', { id: 'f-code', name: 'verificationCode', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6 }),
    ),
    h('button', { type: 'button', class: 'secondary', onclick: () => void confirm() }, t('verify.confirm')),
  );
  fill(
    box,
    h('legend', {}, t('verify.title')),
    h('p', { class: 'hint' }, t('rules.verified')),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'secondary', onclick: () => void send('sms') }, t('verify.sendSms')),
      h('button', { type: 'button', class: 'secondary', onclick: () => void send('email') }, t('verify.sendEmail')),
    ),
    codeRow,
    status,
  );
  return box;
}
