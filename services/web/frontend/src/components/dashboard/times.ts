// Times on the dashboard pages, in China Standard Time (+08:00) whatever the device's zone
// (single instants use util/time.ts; these are the two shapes only these pages need).
import { formatDateTime } from '@/util/time'

/** A span within one day reads "2026-11-27 09:00–12:00"; over midnight the end keeps its date. */
export function formatSpan(start: string | null | undefined, end: string | null | undefined): string {
  if (!start) return ''
  const from = formatDateTime(start).replace(' +08:00', '')
  if (!end || end === start) return from // work other than a visit has one instant
  const to = formatDateTime(end).replace(' +08:00', '')
  if (to === from) return from
  return to.slice(0, 10) === from.slice(0, 10) ? `${from}–${to.slice(11)}` : `${from} – ${to}`
}

const clockFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

/** "15:01:58" (+08:00): the wall clock and the "updated at" mark. */
export function formatClock(when: Date): string {
  return clockFormat.format(when)
}
