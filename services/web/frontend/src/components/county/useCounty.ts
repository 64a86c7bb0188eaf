// What every county page needs: the county's code and whether this person may act (only the county
// administrator; city and province administrators look). Refusals: components/common/useRefusal.
import { computed, ref } from 'vue'
import { session } from '@/auth/session'
import { FilingStatus } from '@/contracts/labels'

/** The county a city or province administrator chose to look at (CountySection's selector). */
export const chosenCounty = ref('')

export function isCountyCode(code: string): boolean {
  return /^\d{6}$/.test(code) && !code.endsWith('00')
}

export function useCounty() {
  const claims = computed(() => session.claims)
  /** The county in view: a county administrator's own; else the one chosen above the pages. */
  const county = computed(() => {
    const scope = claims.value?.scope ?? ''
    return isCountyCode(scope) ? scope : chosenCounty.value
  })
  const canAct = computed(() => claims.value?.role === 'county_admin')
  return { claims, county, canAct }
}

/** A filing status in contracts' one wording (the dashboard's too). */
export const FILING_LABEL: Record<string, string> = FilingStatus

export const FILING_TAG: Record<string, 'success' | 'warning' | 'danger' | 'info'> = {
  on_time: 'success',
  late: 'warning',
  unstamped: 'warning',
  missing: 'danger',
  pending: 'info',
  terminated: 'info',
}

/** Reload until `settled()` (the registry's read model follows its events a moment after the
 * append), at most ~5 s; the page shows whatever it has then. */
export async function reloadUntil(load: () => Promise<void>, settled: () => boolean): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await load()
    if (settled()) return
    await new Promise((r) => setTimeout(r, 500))
  }
}

/** Who made a rule, by name; a level above the caller's scope (not readable to it) by its level. */
/**
 * Where the rule in force for `county` comes from, by the rule set's division (`in_force.division_code`,
 * or the code before `#` of a reporting rule id such as 621025#v1; 'default' or none: the province's
 * defaults): 本县规则, 市级规则 or 省默认规则. One wording for every page that names a rule's source.
 */
export function ruleSource(ruleCode: string | null | undefined, county: string): string {
  const code = (ruleCode ?? '').split('#')[0]
  if (code && code === county) return '本县规则'
  if (/^\d{4}00$/.test(code) && !code.endsWith('0000')) return '市级规则'
  return '省默认规则'
}

export function ruleMaker(code: string, name: string | undefined): string {
  if (name) return name
  return code.endsWith('0000') ? '省级（默认）' : code.endsWith('00') ? '市级' : code
}
