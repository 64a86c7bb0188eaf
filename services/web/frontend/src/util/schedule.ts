// The board's reading of a village's on-site schedule (`每周一至周五 9:00-12:00`), the same as the
// services' (contracts vc_contracts/schedules.py `weekly`), pattern for pattern. Pure, no imports:
// tests/unit/test_schedule_ranges.py runs it with Node against the shared table
// tests/unit/schedule_cases.json and against the Python reading for generated schedules.

/** One time span of a schedule and the weekdays it is kept on. */
export interface Weekly {
  weekdays: number[] // 0 = Sunday … 6 = Saturday, ascending, each once
  start: string // HH:MM, +08:00
  end: string
}

// spaces spelled out and digits ASCII: `\s` and `\d` differ between JavaScript and Python
const S = '[ \\t\\u00a0\\u3000]*'
const DASH = `${S}[-－–—~～至到]${S}`
// a span's dash: 至/到, ASCII or full-width tilde and hyphen, en and em dash
const TIMES = new RegExp(`([0-9]{1,2})[:：]([0-9]{2})${DASH}([0-9]{1,2})[:：]([0-9]{2})`, 'g')
// a run of weekdays: 周二、周四; a range 周一至周五 / 星期一到星期五 / 周一~五 (the second 周 may be
// left out); lists of both, 周一至周三、五. A bare weekday is one only when no 点/时/月/号 follows
// (周三到五点 is Wednesday until five o'clock).
const WORD = '(?:周|星期)[日天一二三四五六]'
const BARE = '[日一二三四五六](?![点时月号])'
const DAY = `(?:${WORD}|${BARE})`
const RUN = new RegExp(`${WORD}(?:${DASH}${DAY})?(?:${S}、${S}${DAY}(?:${DASH}${DAY})?)*`, 'g')
const ITEM = new RegExp(`(?:周|星期)?([日天一二三四五六])(?:${DASH}(?:周|星期)?([日天一二三四五六]))?`, 'g')
const MONDAY_FIRST = '一二三四五六日'

/** `９：００` as `9：00` (a Chinese keyboard types full-width digits). */
const ascii = (text: string) => text.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))

/** The weekdays a schedule names (0 Sunday … 6 Saturday, ascending): `周二、周四` → [2, 4]; a range is
 * every day from its first to its last, inclusive (`周一至周五`, `星期一到星期五`, `周一~五` → 1…5;
 * `周一至周三、五` → 1, 2, 3, 5); one passing Sunday goes on from Monday (`周六至周一` → 六、日、一). */
export function weekdaysNamed(text: string): number[] {
  const days = new Set<number>()
  const monday = (c: string) => MONDAY_FIRST.indexOf(c === '天' ? '日' : c) // 0 Monday … 6 Sunday
  for (const run of text.matchAll(RUN)) {
    for (const item of run[0].matchAll(ITEM)) {
      const a = monday(item[1])
      const b = item[2] ? monday(item[2]) : a
      for (let k = 0; k <= (b - a + 7) % 7; k++) days.add(((a + k) % 7 + 1) % 7)
    }
  }
  return [...days].sort((x, y) => x - y)
}

/** The services' reading (vc_contracts/schedules.py `slots`): each time span with the weekdays it is
 * kept on, in the order written. A span belongs to the weekdays named since the span before it:
 * `周一、周三 9:00-12:00，周五 14:00-17:00` → 一三 9–12 and 五 14–17; `周三 9:00-12:00、14:00-17:00` →
 * Wednesday twice; `9:00-12:00 周一至周五` → 一…五 9–12; `周二 9:00-12:00，周四全天` → Tuesday only. A
 * span that is no time of day or does not end after it starts is left out. */
export function scheduleSlots(text: string | null): Weekly[] {
  if (!text) return []
  const s = ascii(text)
  const marks = [
    ...[...s.matchAll(RUN)].map((m) => ({ at: m.index ?? 0, m, names: true })),
    ...[...s.matchAll(TIMES)].map((m) => ({ at: m.index ?? 0, m, names: false })),
  ].sort((x, y) => x.at - y.at)
  const pad = (h: number, m: number) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`
  const found: Weekly[] = []
  let days = new Set<number>()
  let spans: ({ start: string; end: string } | null)[] = [] // null: no time (it still ends its days)
  const groupDone = () => {
    const weekdays = [...days].sort((x, y) => x - y)
    for (const span of spans) if (span) found.push({ weekdays, ...span })
  }
  for (const { m, names } of marks) {
    if (!names) {
      const [h1, m1, h2, m2] = m.slice(1, 5).map(Number)
      const exists = h1 <= 23 && h2 <= 23 && m1 <= 59 && m2 <= 59 && h2 * 60 + m2 > h1 * 60 + m1
      spans.push(exists ? { start: pad(h1, m1), end: pad(h2, m2) } : null)
      continue
    }
    if (spans.length && days.size) { // weekdays after the spans of earlier weekdays: a new group
      groupDone()
      days = new Set()
      spans = []
    }
    for (const d of weekdaysNamed(m[0])) days.add(d)
  }
  groupDone()
  return found
}

/** The first of `scheduleSlots` (`每周一至周五 14:30-17:30` → weekdays 1…5 and the two times); null
 * without a time span that exists and ends after it starts (the services' `weekly`). */
export function parseSchedule(text: string | null): Weekly | null {
  return scheduleSlots(text)[0] ?? null
}
