// The years the program can have records for: every service refuses another (422, naming the
// year), as vc_contracts.catalogue.fields.YEAR_MIN / YEAR_MAX say. A year field held at 2000 let a
// county pick 2000-2017, and each read of that year was refused with only 请求内容有误 on the page.
import { normalisePeriod } from './period'

/** The first year of the program (2018) and the last a service takes (2100). */
export const YEAR_MIN = 2018
export const YEAR_MAX = 2100

/** The years a record can be of, up to `thisYear` (a year not begun has none): 2018 … this year. */
export function programYears(thisYear: number): number[] {
  return Array.from({ length: Math.max(0, thisYear - YEAR_MIN + 1) }, (_, i) => YEAR_MIN + i)
}

/** A year as an address gives it (?year=), read the way periods are (`normalisePeriod`: NFKC,
 * trimmed): ２０２５ and `2025 ` are 2025. Null for anything else (a list, 2025年, 25). */
export function readYear(asked: unknown): number | null {
  if (typeof asked !== 'string') return null
  const text = normalisePeriod(asked)
  return /^\d{4}$/.test(text) ? Number(text) : null
}

/** The year a page shows for its address's ?year= (`fallback` without one), and what it says when it
 * cannot show the one asked for: the page showed this year in silence for ?year=２０２５.
 * `offered`: the years the page has (none given: any year it can read). */
export function yearOfAddress(asked: unknown, fallback: number, offered?: number[]): { year: number; note: string } {
  if (asked === undefined || asked === null || asked === '') return { year: fallback, note: '' } // none asked (?year=)
  const year = readYear(asked)
  const said = Array.isArray(asked) ? asked.join('、') : String(asked ?? '')
  if (year === null) {
    return { year: fallback, note: `地址中的年度“${said}”无法识别：应为四位数的年份（如 ${fallback}）。下面显示 ${fallback} 年。` }
  }
  if (offered && !offered.includes(year)) {
    const [low, high] = [Math.min(...offered), Math.max(...offered)]
    return { year: fallback, note: `地址中的 ${year} 年不在可查看的年度（${low}～${high} 年）内。下面显示 ${fallback} 年。` }
  }
  return { year, note: '' }
}
