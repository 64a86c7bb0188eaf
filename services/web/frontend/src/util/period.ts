// A period as people type it (报送期限, 年度考核's 期间, an address's ?period=): a Chinese keyboard
// types full-width ２０２６Ｈ１ and an ideographic space, and a lower-case 2026h1 or a pasted
// ` 2026H1 ` is the same period. The services read it so too (vc_contracts.periods.normalise_period);
// the page sends, and shows, the one form.

// A character NFKC makes digits of although it is none (², ①): kept, so the period is refused.
const digitLike = (char: string): boolean => !/^\p{Nd}$/u.test(char) && /\p{Nd}/u.test(char.normalize('NFKC'))

/** `  2026h1 ` → `2026H1`, `２０２５Ｈ２` → `2025H2`: NFKC (full-width to ASCII), trimmed, upper-cased. */
export function normalisePeriod(text: string): string {
  return [...text].map((c) => (digitLike(c) ? c : c.normalize('NFKC'))).join('').trim().toUpperCase()
}
