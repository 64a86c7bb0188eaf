// What the advisor's pages share: the villages served (registry), the names of the ledger's
// choices, and the visit prefill from the village's on-site schedule.
import { reactive } from 'vue'
import { api, unanswered } from '@/api'
import { session } from '@/auth/session'
import { formatDateTime, todayCst } from '@/util/time'
import { parseSchedule, scheduleSlots, type Weekly } from '@/util/schedule'
import type { EntryPath } from './offlineQueue'
import {
  ConsultationCategory, ConsultationChannel, ConsultationOutcome, DocumentKind, EntryKind, MediationOutcome,
} from '@/contracts/labels'
import { nextOnSiteDay } from './nextVisit'

// the schedule's reading lives in util/schedule.ts (pure, checked against the services' by Node)
export { parseSchedule, scheduleSlots }

export interface Served {
  village_code: string
  village_name: string | null
  schedule: string | null
  valid_from: string
}

interface AdvisorCard {
  advisor: { name: string; unit_name: string | null }
  villages_served: Served[]
}

export const me = reactive<{ villages: Served[]; unitName: string | null; loaded: boolean; subject: string | null }>({
  villages: [],
  unitName: null,
  loaded: false,
  subject: null, // whose card this is: another advisor signed in on the tab (退出, then 登录) reads their own
})

/** The villages the signed-in advisor serves today (registry card), loaded once per tab; a card shown
 * from the phone's saved copy (no answer when the tab opened) is asked for again on the next call, else
 * the home said 本机保存的数据 on every later visit although every read answered. */
export async function loadMe(force = false): Promise<Served[]> {
  const subject = session.claims!.sub
  if (me.subject !== subject) {
    // another advisor on this tab (signed out and in, no reload): nothing of the one before is shown
    // meanwhile (their villages showed under the colleague's name, with the colleague's figures)
    Object.assign(me, { villages: [], unitName: null, loaded: false, subject })
    for (const name of Object.keys(savedCopies)) delete savedCopies[name]
  }
  if (me.loaded && !force && !('card' in savedCopies)) return me.villages
  const card = await remembered('card', () => api<AdvisorCard>('registry', `/advisors/${encodeURIComponent(subject)}`))
  if (session.claims?.sub !== subject) return card.villages_served // signed out meanwhile: not kept
  me.villages = card.villages_served
  me.unitName = card.advisor.unit_name
  me.loaded = true
  return me.villages
}

/** The signed-in advisor's visits of the last week or so, in every village (the ledger's newest 50,
 * voided ones left out), as the spans `visitPrefill` passes over. Read afresh each time: a visit
 * logged a minute ago counts. A visit over midnight takes its first day, up to 24:00. Given up
 * after `patience` ms (weak signal in a village): the form waits for this read, and is better shown
 * with the schedule's hours than not at all. */
export async function recentVisits(patience = 4000): Promise<TakenSpan[]> {
  const page = await api<{ items: { started_at: string; ended_at: string | null }[] }>('ledger', '/entries', {
    query: { advisor_id: session.claims!.sub, kind: 'visit', voided: false, page_size: 50 },
    signal: AbortSignal.timeout(patience),
  })
  return page.items.map(({ started_at, ended_at }) => {
    const from = formatDateTime(started_at)
    const to = formatDateTime(ended_at ?? started_at)
    return { date: from.slice(0, 10), start: from.slice(11, 16), end: to.slice(0, 10) === from.slice(0, 10) ? to.slice(11, 16) : '24:00' }
  })
}

export function villageName(code: string): string {
  return me.villages.find((v) => v.village_code === code)?.village_name ?? code
}

export type Kind = keyof typeof EntryKind

const PATHS: Record<Kind, EntryPath> = {
  visit: '/visits', lecture: '/lectures', publicity: '/publicity-events', consultation: '/consultations',
  mediation: '/mediations', document_review: '/document-reviews',
}
export const KINDS: { kind: Kind; label: string; path: EntryPath }[] = (Object.keys(EntryKind) as Kind[])
  .map((kind) => ({ kind, label: EntryKind[kind], path: PATHS[kind] }))

// The contracts' labels (generated from vc_contracts by `make schemas`), under the names the forms use.
export const CHANNELS = ConsultationChannel
export const CATEGORIES = ConsultationCategory
export const OUTCOMES = ConsultationOutcome
export const MEDIATION_OUTCOMES = MediationOutcome
export const DOCUMENT_KINDS = DocumentKind

/** Minutes since midnight in +08:00 now. */
function nowMinutesCst(): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false })
    .formatToParts(new Date())
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0) % 24
  return get('hour') * 60 + Number(parts.find((p) => p.type === 'minute')?.value ?? 0)
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5))

/** A visit already in the ledger: its day (YYYY-MM-DD) and hours (HH:MM), all +08:00. */
export interface TakenSpan { date: string; start: string; end: string }

/** The schedule's hours (09:00–12:00 without one) on the last day they were served, never in the
 * future (the ledger refuses future work): today once hours of today have begun (the latest such,
 * from the hours kept on today's weekday, else from all the schedule's hours; a visit still under
 * way ends now); before they begin (say at 00:38), the last scheduled day before today with its
 * last hours, whole (yesterday without weekdays), never a sliver such as 00:00–00:38 of today.
 * Hours that overlap a visit in `taken` (the advisor's own, in any village) are passed over for the
 * next such day and hours back: offering them could only earn the ledger's "同一时间不能在两个村"
 * refusal, or a second record of a visit already logged; when every scheduled choice of the last
 * week is taken, the schedule's hours on the latest free day of it, and the first choice if none.
 * `today` (YYYY-MM-DD) and `now` (minutes since midnight), both +08:00, default to the clock. */
export function visitPrefill(
  schedule: string | null, taken: TakenSpan[] = [], today: string = todayCst(), now: number = nowMinutesCst(),
): { date: string; start: string; end: string } {
  const slots: Weekly[] = scheduleSlots(schedule)
  if (!slots.length) slots.push({ weekdays: [], start: '09:00', end: '12:00' })
  const choices: TakenSpan[] = []
  const todays = slots.filter((slot) => slot.weekdays.includes(weekdayOf(today)))
  const begun = (todays.length ? todays : slots).filter((slot) => now > minutesOf(slot.start))
  for (const slot of latestFirst(begun)) {
    choices.push({ date: today, start: slot.start, end: hhmm(Math.min(minutesOf(slot.end), now)) })
  }
  const named = slots.some((slot) => slot.weekdays.length)
  for (let back = 1; back <= 7; back++) {
    const day = shifted(today, -back)
    const kept = named ? slots.filter((slot) => slot.weekdays.includes(weekdayOf(day))) : slots
    for (const slot of latestFirst(kept)) choices.push({ date: day, ...pick(slot) })
  }
  // all taken (say the one weekly day already logged): the schedule's hours on the latest other day
  for (let back = 1; back <= 7; back++) {
    for (const slot of latestFirst(slots)) choices.push({ date: shifted(today, -back), ...pick(slot) })
  }
  const free = (c: TakenSpan) => !taken.some((t) => t.date === c.date && c.start < t.end && t.start < c.end)
  const { date, start, end } = choices.find(free) ?? choices[0] // every weekday comes back within a week
  return { date, start, end }
}

const pick = (slot: Weekly) => ({ start: slot.start, end: slot.end })
const latestFirst = (slots: Weekly[]) => [...slots].sort((a, b) => b.start.localeCompare(a.start))

/** 0 Sunday … 6 Saturday of a YYYY-MM-DD day. */
function weekdayOf(day: string): number {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay()
}

/** The YYYY-MM-DD day `n` days after `day`. */
function shifted(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10)
}

/** 下次驻点 as YYYY-MM-DD (+08:00): the schedule's next day still to serve, after `lastVisit` (the
 * village's last logged visit day) and today only while its hours last; null without a schedule. */
export function nextScheduledDay(schedule: string | null, lastVisit: string | null = null): string | null {
  return nextOnSiteDay(scheduleSlots(schedule), todayCst(), hhmm(nowMinutesCst()), lastVisit)
}

/** `2026-11-30` and `09:00` → `2026-11-30T09:00:00+08:00` (what the ledger takes). */
export function cstInstant(date: string, time: string): string {
  return `${date}T${time}:00+08:00`
}

/** The reads now shown from the phone's saved copy (`remembered`), by name: when each was saved
 * (ISO time; '' for a copy saved before the time was kept). A page says so next to what it shows:
 * a server that answers nothing is not the same as the figures of that morning. */
export const savedCopies = reactive<Record<string, string>>({})

/** `load()`, remembered on the phone (localStorage, per advisor): without an answer (no signal, a
 * server failing, a timeout: `unanswered`) the last answer is shown rather than nothing, and
 * `savedCopies` names it until a later read answers. A refusal (4xx: scope, validation, an expired
 * token) is an answer and rejects: it showed the saved copy instead of its reason. Rejects too when
 * there is no saved copy. */
export async function remembered<T>(name: string, load: () => Promise<T>): Promise<T> {
  const key = `vc.adv.${session.claims!.sub}.${name}`
  let value: T
  try {
    value = await load()
  } catch (error) {
    if (!unanswered(error)) {
      delete savedCopies[name] // a refusal is an answer: its reason is shown, not the saved copy
      throw error
    }
    const saved = localStorage.getItem(key)
    if (saved === null) throw error
    savedCopies[name] = localStorage.getItem(`${key}.at`) ?? ''
    return JSON.parse(saved) as T
  }
  delete savedCopies[name]
  try {
    localStorage.setItem(key, JSON.stringify(value))
    localStorage.setItem(`${key}.at`, new Date().toISOString())
  } catch {
    // the phone cannot keep a copy (storage full, a private window): the answer is shown all the same
    // (it was thrown away with the failed save and said as unreadable); an older copy is dropped, so
    // that it is never shown later as if saved now
    try {
      localStorage.removeItem(key)
      localStorage.removeItem(`${key}.at`)
    } catch {
      /* nothing kept either way */
    }
  }
  return value
}
