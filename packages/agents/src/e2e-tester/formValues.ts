import type { FormField } from '../kit/browser/pageOutline.js';

const BY_NAME: [RegExp, string][] = [
  [/e-?mail/i, 'qe.tester@example.com'],
  [/phone|tel|mobile/i, '+15555550123'],
  [/(post|zip)(al)?-?code|^zip$/i, '12345'],
  [/url|website|homepage/i, 'http://127.0.0.1/'],
  [/pass(word)?|pwd/i, 'Qe-Fleet-pass1!'],
  [/user(name)?|login/i, 'qe-tester'],
  [/first/i, 'Ada'],
  [/last|sur/i, 'Lovelace'],
  [/name/i, 'Ada Lovelace'],
  [/city|town/i, 'London'],
  [/country/i, 'GB'],
  [/street|address/i, '1 Example Street'],
  [/qty|quantity|count|amount/i, '1'],
  [/search|query|^q$|term|keyword/i, 'coffee'],
  [/date/i, '2024-01-15'],
];

const BY_TYPE: Record<string, string> = {
  email: 'qe.tester@example.com', tel: '+15555550123', url: 'http://127.0.0.1/', password: 'Qe-Fleet-pass1!', number: '1', range: '1',
  date: '2024-01-15', 'datetime-local': '2024-01-15T10:30', month: '2024-01', week: '2024-W03', time: '10:30', color: '#336699', search: 'coffee',
};

/** Field types a user does not type into. */
const NOT_TYPED = new Set(['hidden', 'submit', 'button', 'reset', 'image', 'file', 'checkbox', 'radio']);

/**
 * A sensible value for a form field, the way a person would fill it: by input type first (an
 * e-mail field gets an address), then by its name, id or label (`zip` → a postal code), else a
 * short text. `undefined` for fields nobody types into (hidden, file, buttons, check boxes).
 */
export function valueFor(field: FormField): string | undefined {
  if (field.tag === 'select') return field.options.find((o) => o !== '') ?? field.options[0];
  if (NOT_TYPED.has(field.type)) return undefined;
  const typed = BY_TYPE[field.type];
  if (typed !== undefined) return typed;
  const words = `${field.name} ${field.id} ${field.hint}`;
  for (const [pattern, value] of BY_NAME) if (pattern.test(words)) return value;
  return field.tag === 'textarea' ? 'A message from the QE fleet end-to-end test.' : 'qe test';
}

/** Fields a reflected-XSS probe can carry a payload in (free text). */
export function isTextField(field: FormField): boolean {
  return field.tag === 'textarea' || (field.tag === 'input' && ['text', 'search', 'url', 'tel', 'email'].includes(field.type));
}
