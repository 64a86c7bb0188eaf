// A count typed on a phone: a Chinese keyboard types full-width digits (３０), and a number pasted
// from a chat or a document often comes with them. Vant's `type="digit"` drops every character but
// 0-9, so a pasted ３０ became an empty field, sent as 0 people.

/** The count's digits as ASCII: `３０` → `30`; anything else (spaces, 人, a sign) is dropped. */
export function countDigits(text: string): string {
  return text.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[^0-9]/g, '')
}
