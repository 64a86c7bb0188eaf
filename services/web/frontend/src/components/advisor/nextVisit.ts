// When the advisor is next due on site in a village: the weekly schedule's next day, but never a
// day already served (a visit logged that day) nor today once today's hours are over. Pure, no
// imports: tests/unit/test_advisor_next_visit.py runs it with Node against a given/when/then table.

export interface Weekly {
  weekdays: number[] // 0 = Sunday … 6 = Saturday
  start: string // HH:MM, +08:00
  end: string
}

const DAY = 86_400_000

function addDays(day: string, n: number): { iso: string; weekday: number } {
  const at = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) + n * DAY)
  return { iso: at.toISOString().slice(0, 10), weekday: at.getUTCDay() }
}

/** The next scheduled day (YYYY-MM-DD, +08:00) on or after `today` that is after `lastVisit` (the
 * village's last logged visit day, or null) and, for today itself, only while `now` (HH:MM, +08:00)
 * is before the end of today's last hours; null without weekdays. `schedule`: the schedule's slots
 * (util/schedule.ts `scheduleSlots`: days may keep different hours), or one slot. */
export function nextOnSiteDay(
  schedule: Weekly | Weekly[] | null, today: string, now: string, lastVisit: string | null,
): string | null {
  const slots = schedule === null ? [] : Array.isArray(schedule) ? schedule : [schedule]
  for (let ahead = 0; ahead <= 7; ahead++) {
    const day = addDays(today, ahead)
    const kept = slots.filter((slot) => slot.weekdays.includes(day.weekday))
    if (!kept.length) continue
    if (lastVisit !== null && day.iso <= lastVisit) continue
    if (ahead === 0 && kept.every((slot) => now >= slot.end)) continue
    return day.iso
  }
  return null
}
