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

/** Today's date in +08:00, e.g. for a default "as of" day. */
export function todayCst(): string {
  return formatDate(new Date())
}
