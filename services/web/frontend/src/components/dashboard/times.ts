// Times on the dashboard pages, in China Standard Time (+08:00) whatever the device's zone
// (instants and spans use util/time.ts; the clock is the one shape only these pages need).

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
