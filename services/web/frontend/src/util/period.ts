// A period as people type it (报送期限, 年度考核's 期间, an address's ?period=): a Chinese keyboard
// types full-width ２０２６Ｈ１ and an ideographic space, and a lower-case 2026h1 or a pasted
// ` 2026H1 ` is the same period. The services read it so too (vc_contracts.periods.normalise_period);
// the page sends, and shows, the one form.

// A character NFKC makes digits of although it is none (², ①): kept, so the period is refused.
const digitLike = (char: string): boolean => !/^\p{Nd}$/u.test(char) && /\p{Nd}/u.test(char.normalize('NFKC'))

// Trimmed around a period, as the services trim (vc_contracts.periods._AROUND): every space and line
// break, the C0 separators \x1c-\x1f and NEL (String.trim kept them) and the byte-order mark.
const AROUND = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+|[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+$/gu

/** `  2026h1 ` → `2026H1`, `２０２５Ｈ２` → `2025H2`: NFKC (full-width to ASCII), trimmed, upper-cased. */
export function normalisePeriod(text: string): string {
  return [...text].map((c) => (digitLike(c) ? c : c.normalize('NFKC'))).join('').replace(AROUND, '').toUpperCase()
}
