import { h } from './dom.js';
import { errorText, t, weekdays } from './i18n.js';
import { ApiError, type Hotline } from './api.js';

export interface PageContext {
  params: string[];
  query: URLSearchParams;
  go: (path: string) => void;
}

/** A page renders itself into `main` and may return a function that stops its timers. */
export type Page = (main: HTMLElement, ctx: PageContext) => Promise<(() => void) | void> | (() => void) | void;

/** The page's heading: also the document title, and where focus lands after a navigation. */
export function heading(text: string): HTMLHeadingElement {
  document.title = `${text} – Ansturm`;
  return h('h1', { tabindex: -1 }, text);
}

/** What to say about an error a page has no words of its own for: the error's text in the person's language, never a blank page. */
export const problemText = (err: unknown): string => (err instanceof ApiError ? errorText(err.code) : t('error.unreachable'));

/** What a person is told when finding their booking by code and date of birth fails. */
export const lookupProblem = (err: unknown): string =>
  err instanceof ApiError && err.code === 'BOOKING_NOT_FOUND'
    ? t('manage.notFound')
    : err instanceof ApiError && err.code === 'TOO_MANY_LOOKUPS'
      ? t('manage.tooMany')
      : problemText(err);

export const hoursText = (info: Hotline): string =>
  info.hours.map((hours) => t('hours.line', { days: weekdays(hours.days), opens: hours.opens, closes: hours.closes })).join(', ');

/** The plain-words rules of a campaign: who may book, what the vaccine needs. */
export function rulesText(c: {
  eligibility: { minAge: number | null; maxAge: number | null; districts: string[] | null; priorityGroups: string[] | null };
  vaccine: { name: string; doses: number; minIntervalDays: number; maxIntervalDays: number };
  requireVerifiedContact: boolean;
}): string[] {
  const e = c.eligibility;
  const lines = [
    e.minAge !== null && e.maxAge !== null
      ? t('rules.ageRange', { min: e.minAge, max: e.maxAge })
      : e.minAge !== null
        ? t('rules.age', { min: e.minAge })
        : e.maxAge !== null
          ? t('rules.ageMax', { max: e.maxAge })
          : t('rules.anyAge'),
  ];
  if (e.minAge !== null || e.maxAge !== null) lines[0] += '. ' + t('rules.ageDay');
  if (e.districts) lines.push(t('rules.districts', { districts: e.districts.join(', ') }));
  if (e.priorityGroups) lines.push(t('rules.groups', { groups: e.priorityGroups.join(', ') }));
  lines.push(
    c.vaccine.doses === 2
      ? t('rules.doses2', { vaccine: c.vaccine.name, min: c.vaccine.minIntervalDays, max: c.vaccine.maxIntervalDays })
      : t('rules.doses1', { vaccine: c.vaccine.name }),
  );
  if (c.requireVerifiedContact) lines.push(t('rules.verified'));
  return lines;
}
