// What the report pages share: the reporting API's report shapes, periods, and who may review what.
import { api, type Page } from '@/api'
import type { Claims, Role } from '@/auth/session'
import type { ApprovedCase, Duties } from '@/components/cases/cases'
import { Level, ReportKind } from '@/contracts/labels'

export interface Column {
  key: string
  heading: string
}
export interface FigureRow {
  unit_id: string
  unit_name: string | null
  village_code: string
  village_name: string | null
  [key: string]: string | number | null
}
export interface AssessmentResults {
  counts: Record<string, number>
  headings: Record<string, string>
  counting_rule: string
  concluded?: number // advisors with a conclusion of the year, of
  to_assess?: number // the advisors with ledger entries in the county's year
}
/** How far an annual report's year is counted (a year not yet over counts up to today, +08:00). */
export interface Coverage {
  complete: boolean
  through: string | null
  text: string
}
/** The statistics table the services derive from the ledger (never typed in). */
export interface Figures {
  period: string
  rows: FigureRow[]
  totals: Record<string, number>
  columns: Column[]
  counting_rules: Record<string, string>
  digest: string
  assessment_results?: AssessmentResults
  advisors?: AdvisorState[]
  coverage?: Coverage
  /** annual only (R16): the county's approved typical cases of the year and who leads the work */
  typical_cases?: ApprovedCase[]
  responsibilities?: Duties | null
}
/** An advisor's confirmation of their own half-year figures (unit preview). */
export interface AdvisorState {
  advisor_id: string
  advisor_name: string
  state: 'confirmed' | 'pending' | 'changed'
  state_name: string
  confirmed_at: string | null
}
export interface Step {
  step: 'submitted' | 'returned' | 'approved' | 'escalated' | 'other'
  title: string
  detail: string
  level: string | null
  at: string
  at_text: string
  /** the sign-in id (a tooltip), and who that is for people: a registry name or the acting office */
  actor: string
  actor_name?: string
}
export interface ReportRow {
  report_id: string
  kind: 'half_year_ledger' | 'annual_results'
  period: string
  submitter: string
  county: string
  city: string
  status: 'pending' | 'returned' | 'approved'
  at_level: 'county' | 'city' | 'province'
  reason: string | null
  confirmed_by: string[]
  figures: Figures
  first_submitted_at: string
  updated_at: string
}
export interface ReportDetail extends ReportRow {
  kind_name: string
  status_name: string
  at_level_name: string
  final_level: string
  submitter_name: string
  /** `confirmed_by` for people, same order (names or offices, never sign-in ids) */
  confirmed_by_names?: string[]
  county_name: string
  city_name: string
  version: number
  events: Step[]
  /** the ledger volumes' chain heads frozen at submission, checked now (issue 14) */
  heads?: FrozenHead[]
}

/** One frozen chain head and the result of checking it against the ledger's latest seals. */
export interface FrozenHead {
  volume_id: string
  volume_name: string
  length: number
  head: string
  ok: boolean
  result: string
}

export const KIND_NAMES: Record<ReportRow['kind'], string> = ReportKind
export const STATUS_NAMES: Record<ReportRow['status'], string> = {
  pending: '待审核',
  returned: '已退回',
  approved: '已通过',
}
export const STATUS_TAGS: Record<ReportRow['status'], 'warning' | 'danger' | 'success'> = {
  pending: 'warning',
  returned: 'danger',
  approved: 'success',
}
export const LEVEL_NAMES: Record<string, string> = Level
const LEVEL_OF_ROLE: Partial<Record<Role, string>> = {
  county_admin: 'county',
  city_admin: 'city',
  province_admin: 'province',
}

/** The review level a role acts at (county/city/province), or undefined for roles that never review. */
export function levelOf(role: Role): string | undefined {
  return LEVEL_OF_ROLE[role]
}

/** Whether the signed-in person may approve or return this report now (the API decides again). */
export function mayReview(claims: Claims | null, report: ReportRow): boolean {
  return !!claims && report.status === 'pending' && levelOf(claims.role) === report.at_level
}

/** 2026H2 → 2026年下半年; 2026 → 2026年度 */
export function periodName(period: string): string {
  const half = /^(\d{4})H([12])$/.exec(period)
  if (half) return `${half[1]}年${half[2] === '1' ? '上' : '下'}半年`
  return `${period}年度`
}

/** The half-year containing `day` (in +08:00) and the three before it, newest first. */
export function recentHalves(day: Date = new Date()): string[] {
  const cst = new Date(day.getTime() + 8 * 3600_000)
  let year = cst.getUTCFullYear()
  let half = cst.getUTCMonth() < 6 ? 1 : 2
  const out: string[] = []
  for (let i = 0; i < 4; i++) {
    out.push(`${year}H${half}`)
    if (half === 2) half = 1
    else [year, half] = [year - 1, 2]
  }
  return out
}

/** What people call a report: 2026年下半年台账报告, 2026年度工作报告. */
export function reportTitle(kind: ReportRow['kind'], period: string): string {
  return kind === 'half_year_ledger' ? `${periodName(period)}台账报告` : `${period}年度工作报告`
}

export function thisYear(day: Date = new Date()): number {
  return new Date(day.getTime() + 8 * 3600_000).getUTCFullYear()
}

export function reportPath(reportId: string): string {
  return `/reports/view/${encodeURIComponent(reportId)}`
}

export function apiPath(reportId: string): string {
  return `/reports/${encodeURIComponent(reportId)}`
}

export async function reportsWhere(query: Record<string, string | undefined>): Promise<ReportRow[]> {
  const page = await api<Page<ReportRow>>('reporting', '/reports', { query: { ...query, page_size: 200 } })
  return page.items
}
