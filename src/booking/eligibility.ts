import { fail } from '../errors.js';

export interface EligibilityRules {
  min_age: number | null;
  max_age: number | null;
  priority_groups: string[] | null;
}

/** Completed years between a date of birth and a day (both YYYY-MM-DD). */
export function ageOn(dateOfBirth: string, day: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * Checks the rules that need no database: age on the day of the (first) appointment and
 * the priority group. Throws NOT_ELIGIBLE with a message a person can act on.
 */
export function checkAgeAndGroup(rules: EligibilityRules, dateOfBirth: string, day: string, group?: string): void {
  const age = ageOn(dateOfBirth, day);
  if (rules.min_age !== null && age < rules.min_age) {
    fail('NOT_ELIGIBLE', `You must be at least ${rules.min_age} years old on the day of the appointment (${day}); you will be ${age}.`, {
      reason: 'TOO_YOUNG',
      minAge: rules.min_age,
      age,
    });
  }
  if (rules.max_age !== null && age > rules.max_age) {
    fail('NOT_ELIGIBLE', `This campaign is for people up to ${rules.max_age} years old on the day of the appointment (${day}); you will be ${age}.`, {
      reason: 'TOO_OLD',
      maxAge: rules.max_age,
      age,
    });
  }
  if (rules.priority_groups !== null && (group === undefined || !rules.priority_groups.includes(group))) {
    fail('NOT_ELIGIBLE', `This campaign is open to these priority groups only: ${rules.priority_groups.join(', ')}.`, {
      reason: 'PRIORITY_GROUP',
      priorityGroups: rules.priority_groups,
    });
  }
}
