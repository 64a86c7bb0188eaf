// The advisor's yearly figure sheet (assessment) and a way to read it again while the projections
// catch up with a write just made.
import { api } from '@/api'
import { session } from '@/auth/session'
import { remembered } from './advisorData'
import type { Stands } from '@/components/common/standing'

export interface QuarterFigure extends Stands {
  quarter: string
  hours: number
  expected: number
  meets: boolean
}
export interface VillageFigures {
  village_code: string
  served: { from: string; to: string | null }[]
  quarters: QuarterFigure[]
  lectures: { count: number; expected: number; meets: boolean; counting_rule: string } & Stands
}
export interface FigureSheet {
  advisor_id: string
  year: number
  villages: VillageFigures[]
  feedback: Record<'committee' | 'resident', { count: number; average: number | null }> & { counting_rule: string }
  breaches: { period: string; rule: string; village_code: string; actual?: number; expected?: number }[]
  rule: { division_code: string; version: number; effective_from: string }
  digest: string
  confirmation: { confirmed: boolean; current: boolean }
  result: string | null
  dispute: { reason: string; on: string } | null
}

export function loadSheet(year: number): Promise<FigureSheet> {
  return remembered(`sheet-${year}`, () =>
    api<FigureSheet>('assessment', `/advisors/${encodeURIComponent(session.claims!.sub)}/assessments/${year}`),
  )
}

/** Read the page's figures again after every write (see common/writes.ts). */
export { useRefreshAfterWrites } from '@/components/common/writes'
