// The advisor's yearly figure sheet (assessment) and a way to read it again while the projections
// catch up with an entry just sent.
import { onBeforeUnmount, watch } from 'vue'
import { api } from '@/api'
import { session } from '@/auth/session'
import { queue } from './offlineQueue'
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

const AGAIN_MS = [1500, 3000, 5000, 8000, 12000, 20000]

/** Call `load` now, and again a few times after every entry sent (the figures come through the
 * event stream, a moment after the ledger's answer). */
export function useRefreshAfterSend(load: () => Promise<void>): void {
  const timers: number[] = []
  const again = () => {
    timers.splice(0).forEach(clearTimeout)
    for (const ms of AGAIN_MS) timers.push(window.setTimeout(() => void load().catch(() => undefined), ms))
  }
  const stop = watch(() => queue.sent, again)
  if (recentlySent()) again()
  onBeforeUnmount(() => {
    stop()
    timers.forEach(clearTimeout)
  })
}

let lastSent = 0
watch(() => queue.sent, () => (lastSent = Date.now()))

function recentlySent(): boolean {
  return Date.now() - lastSent < 20_000
}
