// A count typed on a phone: a Chinese keyboard types full-width digits (３０), and a number pasted
// from a chat or a document often comes with them. Vant's `type="digit"` drops every character but
// 0-9, so a pasted ３０ became an empty field, sent as 0 people.

/** The count's digits as ASCII: `３０` → `30`; anything else (spaces, 人, a sign) is dropped. */
export function countDigits(text: string): string {
  return text.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[^0-9]/g, '')
}

const COUNTS: Record<string, { field: 'audience' | 'parties'; missing: string }> = {
  lecture: { field: 'audience', missing: '请填写参加人数' },
  publicity: { field: 'audience', missing: '请填写参加人数' },
  mediation: { field: 'parties', missing: '请填写当事人数' },
}

/** The error of an emptied count, by field (`{ audience: '请填写参加人数' }`), or null: the count of
 * a lecture or publicity (参加人数) or of a mediation (当事人数) left empty. `Number('')` went out
 * as 0: a lecture to nobody was logged, a mediation was refused "不能小于 2" beside a field the
 * person saw empty. One rule for the log form and the correction sheet (only the fields `form` has). */
export function emptiedCount(kind: string, form: Partial<Record<'audience' | 'parties', unknown>>): Record<string, string> | null {
  const count = COUNTS[kind]
  // a form without the field (the correction sheet offers no 当事人数) has nothing emptied
  return count && count.field in form && String(form[count.field]).trim() === '' ? { [count.field]: count.missing } : null
}
