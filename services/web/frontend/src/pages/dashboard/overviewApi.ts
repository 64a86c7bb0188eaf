// Reporting's dashboard overview (GET /api/reporting/dashboard/overview), typed as the contract in
// the README's Reporting API section gives it. The page computes no figure of its own.
import { api, type Service } from '@/api'
import { FilingStatus } from '@/contracts/labels'

export interface Named {
  code: string
  name: string
  level?: string
}

export interface RuleVersion {
  division_code: string
  version: number
  effective_from: string
}

export interface Rule {
  text: string
  versions: RuleVersion[]
}

interface Figure {
  label: string
  unit: string
  rule: Rule
  entries: string
}

export interface ShareTile extends Figure {
  value: number
  total: number
  pct: number
  at_risk?: number
  last_year: { value: number; total: number; pct: number } | null
  change_pct: number | null
}

export interface AgreementCounts {
  on_time: number
  late: number
  missing: number
  pending: number
  none: number
  total: number
}

/** A village's agreement as the dashboard names it: a filing status (contracts' one wording), or
 *  no agreement in force at all. */
export const AGREEMENT_LABEL: Record<string, string> = { ...FilingStatus, none: '无在期协议' }

/** The parts of a year's agreement filing, each village in exactly one (their sum is `total`):
 *  key, name, the short name of the one-line detail. */
export const AGREEMENT_PARTS = [
  ['on_time', FilingStatus.on_time, '按时'],
  ['late', FilingStatus.late, '逾期'],
  ['missing', FilingStatus.missing, FilingStatus.missing],
  ['pending', FilingStatus.pending, FilingStatus.pending],
  ['none', AGREEMENT_LABEL.none, AGREEMENT_LABEL.none],
] as const

/** "按时 104，逾期 1，未备案 2，无在期协议 1": the first three always, the others when any village is
 *  in them, so the parts shown add up to the villages counted. */
export function agreementDetail(a: AgreementCounts): string {
  return AGREEMENT_PARTS.filter(([key], i) => i < 3 || a[key] > 0)
    .map(([key, , short]) => `${short} ${a[key]}`)
    .join('，')
}

export interface OverdueQuestion {
  question_id: string
  village_code: string
  village_name: string
  kind_label: string
  category_label: string
  asked_at: string
  due_day: string
  working_days_open: number
  limit_working_days: number
}

export interface Tiles {
  coverage: ShareTile
  agreements: Figure & AgreementCounts & { year: number; last_year: AgreementCounts | null }
  onsite: ShareTile & { quarter: string }
  lectures: ShareTile & { year: number }
  breaches: Figure & { value: number; last_year: { value: number } | null; change: number | null }
  reports: Figure & {
    submitted: number
    approved: number
    returned: number
    overdue: number
    due: { kind: string; period: string; due_day: string; days_left: number }[]
    last_year: { submitted: number; approved: number; returned: number; overdue: number } | null
  }
  assessment: Figure & {
    year: number
    excellent: number
    passed: number
    failed: number
    last_year: { excellent: number; passed: number; failed: number } | null
  }
  /** Residents' board questions unanswered past the county's limit (villages only, oldest first). */
  questions: Omit<Figure, 'entries'> & { entries: null; value: number; truncated: boolean; items: OverdueQuestion[] }
}

export interface ChildRow {
  code: string
  name: string
  level: string
  villages: number
  covered: number
  coverage_pct: number
  onsite_meeting: number
  onsite_pct: number
  at_risk: number
  lectures_meeting: number
  lectures_pct: number
  agreements_on_time: number
  agreements_late: number
  agreements_missing: number
  breaches: number
  warnings: number
}

export interface VillageRow {
  code: string
  name: string
  township_code: string
  township_name: string
  advisor: { id: string; name: string } | null
  onsite_seconds: number
  onsite_hours: number
  min_hours: number
  min_seconds: number
  share: number | null
  meets_onsite: boolean
  lectures: number
  lectures_min: number
  meets_lectures: boolean
  at_risk: boolean
  agreement: string
  board_stale: boolean
  breaches: number
  volume: string
  compliance: string
}

export interface Warning {
  kind: string
  label: string
  division: Named
  message: string
  due_day: string | null
  link: string | null
}

export interface Overview {
  division: Named & { level: string; level_name: string }
  scope: Named
  breadcrumb: Named[]
  period: {
    key: string
    kind: 'quarter' | 'year'
    label: string
    first_day: string
    last_day: string
    as_of: string
    current: boolean
    quarter: string
    quarter_label: string
    year: number
    weeks_left: number | null
    generated_at: string
  }
  last_year: { key: string; label: string; as_of: string } | null
  tiles: Tiles
  children: ChildRow[]
  villages: VillageRow[] | null
  warnings: Warning[]
  warnings_total: Record<string, number>
  warnings_truncated: boolean
  not_derived: string[]
}

/** The overview of `division` (default: the caller's scope) for `period` (default: this quarter). */
export function fetchOverview(division?: string, period?: string): Promise<Overview> {
  return api<Overview>('reporting', '/dashboard/overview', { query: { division, period } })
}

const LINK = /^\/api\/(registry|ledger|assessment|reporting)(\/.*)$/

/** Follow a link the overview gives (a gateway path such as /api/reporting/compliance?…); `query`
 * is added to the link's own (e.g. `{ page: 2, page_size: 50 }`, the list endpoints' paging). */
export function fetchLink(link: string, query?: Record<string, string | number>): Promise<unknown> {
  const match = LINK.exec(link)
  if (!match) return Promise.reject(new Error('无法打开该明细链接'))
  return api<unknown>(match[1] as Service, match[2], { query })
}
