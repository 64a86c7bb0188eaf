// Times are shown in China Standard Time (+08:00) whatever the device's own time zone is.
const ZONE = 'Asia/Shanghai'

const dateFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
})
const timeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', hour12: false,
})

function parts(format: Intl.DateTimeFormat, value: Date): Record<string, string> {
  return Object.fromEntries(format.formatToParts(value).map((p) => [p.type, p.value]))
}

function toDate(value: string | number | Date): Date {
  return value instanceof Date ? value : new Date(value)
}

/** 2026-11-30 (the day in +08:00). A bare date string (2026-11-30) is returned as it is. */
export function formatDate(value: string | number | Date): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value
  const p = parts(dateFormat, toDate(value))
  return `${p.year}-${p.month}-${p.day}`
}

/** 2026-11-30 15:04 +08:00 */
export function formatDateTime(value: string | number | Date): string {
  const p = parts(timeFormat, toDate(value))
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute} +08:00`
}

/** A span of time, as every page writes it (the county's volume table, the village's volume, the
 * cards on a phone): "2026-11-15 09:00–12:00 +08:00" within one day, "2026-11-15 22:00 – 2026-11-16
 * 01:00 +08:00" over midnight, "2026-11-15 09:00 +08:00" for one instant (`end` missing or equal:
 * work other than a visit). '' without a start. */
export function formatSpan(start: string | null | undefined, end?: string | null): string {
  if (!start) return ''
  const from = formatDateTime(start).replace(' +08:00', '')
  const to = end ? formatDateTime(end).replace(' +08:00', '') : from
  if (to === from) return `${from} +08:00`
  return to.slice(0, 10) === from.slice(0, 10) ? `${from}–${to.slice(11)} +08:00` : `${from} – ${to} +08:00`
}

/** Today's date in +08:00, e.g. for a default "as of" day. */
export function todayCst(): string {
  return formatDate(new Date())
}

/** The year in +08:00 at `now` (the clock by default), whatever the device's time zone: computed
 * from the device's own zone, a browser outside China showed last year's pages until 08:00 on
 * 1 January (or next year's from 16:00 on 31 December). */
export function cstYear(now: Date = new Date()): number {
  return Number(formatDate(now).slice(0, 4))
}

/** The quarter in +08:00 at `now`, as the APIs name it: `2026Q4`. */
export function currentQuarter(now: Date = new Date()): string {
  const [year, month] = formatDate(now).split('-').map(Number)
  return `${year}Q${Math.floor((month - 1) / 3) + 1}`
}
