// Periods as the reporting API names them: `2026Q4` (a quarter) or `2026` (a year), in CST.

import { cstYear, currentQuarter } from '@/util/time'
import { normalisePeriod } from '@/util/period'

export { cstYear, currentQuarter } // this year and quarter in +08:00 live in util/time.ts, once

const QUARTERS = ['第一季度', '第二季度', '第三季度', '第四季度']

export interface PeriodOption {
  value: string
  label: string
  future: boolean
}

/** The four quarters of `year`; the ones not begun yet are marked (the API refuses them). */
export function quarterOptions(year: number, now = new Date()): PeriodOption[] {
  const current = currentQuarter(now)
  return QUARTERS.map((label, i) => {
    const value = `${year}Q${i + 1}`
    return { value, label, future: value > current }
  })
}

/** The years the picker offers: this one and the past ones the program has figures for. */
export function yearOptions(now = new Date(), back = 4): number[] {
  const year = cstYear(now)
  return Array.from({ length: back + 1 }, (_, i) => year - i)
}

export function periodLabel(period: string): string {
  const m = /^(\d{4})(?:Q([1-4]))?$/.exec(period)
  if (!m) return period
  return m[2] ? `${m[1]}年${QUARTERS[Number(m[2]) - 1]}` : `${m[1]}年度`
}

/** How figures kept per quarter (on-site time, no-visit warnings) name their quarter: 本季度 in a
 * quarter's view; in a year's view the quarter they come from (the current one, or the year's last),
 * e.g. 第四季度 — never 本年度, since the hours are not the year's. */
export function quarterWord(period: { kind: 'quarter' | 'year'; quarter_label: string } | undefined): string {
  if (!period || period.kind === 'quarter') return '本季度'
  return period.quarter_label.replace(/^\d{4}年/, '')
}

export const PERIOD_PATTERN = /^\d{4}(Q[1-4])?$/

/** The ?period= of an address when it names a period the API knows (2026 or 2026Q1); else null. */
export function validPeriod(value: unknown): string | null {
  // as typed into an address: ?period=2026q1 is 2026Q1 (util/period.ts)
  const period = typeof value === 'string' ? normalisePeriod(value) : null
  return period !== null && PERIOD_PATTERN.test(period) ? period : null
}
