// What every county page needs: the county's code, whether this person may act (only the county
// administrator; city and province administrators look), and the refusal of the last action, so each
// form shows the API's reason next to the field it names.
import { computed, reactive, ref } from 'vue'
import { ApiError } from '@/api'
import { session } from '@/auth/session'

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

/** A form's refusal: `message` for the form, `reason(field)` next to each field. */
export function useRefusal() {
  const state = reactive<{ error: ApiError | null; other: string }>({ error: null, other: '' })
  const busy = ref(false)
  function reason(field: string): string {
    const e = state.error
    if (!e) return ''
    return e.reasonFor(field) ?? (e.field && e.field.split('.').pop() === field ? e.message : '')
  }
  const message = computed(() => state.error?.message ?? state.other)
  /** Run one action: clears the last refusal, keeps the new one. Resolves true when it succeeded. */
  async function run(action: () => Promise<unknown>): Promise<boolean> {
    state.error = null
    state.other = ''
    busy.value = true
    try {
      await action()
      return true
    } catch (error) {
      if (error instanceof ApiError) state.error = error
      else state.other = '操作未成功，请重试'
      return false
    } finally {
      busy.value = false
    }
  }
  function clear(): void {
    state.error = null
    state.other = ''
  }
  return { reason, message, run, busy, clear }
}

export const FILING_LABEL: Record<string, string> = {
  on_time: '按时备案',
  late: '逾期备案',
  unstamped: '未签字盖章',
  missing: '未备案',
  pending: '待备案',
  terminated: '已终止',
}

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
export function ruleMaker(code: string, name: string | undefined): string {
  if (name) return name
  return code.endsWith('0000') ? '省级（默认）' : code.endsWith('00') ? '市级' : code
}
