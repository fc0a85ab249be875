import { createHmac } from 'node:crypto';

export interface IdentityFields {
  firstName: string;
  lastName: string;
  dateOfBirth: string;
}

const GERMAN_LETTERS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };

/**
 * Folds a name so that the ways one person may type it compare equal:
 * "Müller", "MUELLER" and " mueller " all become "mueller"; "Zoë" becomes "zoe".
 */
export function normaliseName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[äöüß]/g, (c) => GERMAN_LETTERS[c] ?? c)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * A keyed hash of the normalised identity. Keyed (HMAC), so that the table of hashes
 * cannot be reversed by hashing a phone book; the unique index on it enforces
 * one active booking per person and campaign.
 */
export function identityHash(key: string, person: IdentityFields): Buffer {
  const canonical = [normaliseName(person.firstName), normaliseName(person.lastName), person.dateOfBirth].join('\u0000');
  return createHmac('sha256', key).update(canonical).digest();
}
