// Division names for people (codes are for machines). Names come from the registry's division list
// (GET /api/registry/divisions, scoped to the caller) and are cached for the tab's life; pages that
// get names with their data (the dashboard API) can add them with rememberNames().
import { reactive } from 'vue'
import { api, type Page } from '@/api'

export interface Division {
  code: string
  name: string
  level: string
  parent_code: string | null
}

const names = reactive(new Map<string, string>())
const pending = new Map<string, Promise<void>>()

export function rememberNames(divisions: Array<{ code: string; name: string }>): void {
  for (const d of divisions) if (d.name) names.set(d.code, d.name)
}

/** The parent's code by GB/T 2260 shape: village → township → county → city → province. */
export function parentCode(code: string): string | null {
  if (code.length === 12) return code.endsWith('000') ? code.slice(0, 6) : `${code.slice(0, 9)}000`
  if (code.length !== 6 || code.endsWith('0000')) return null
  return code.endsWith('00') ? `${code.slice(0, 2)}0000` : `${code.slice(0, 4)}00`
}

async function load(code: string): Promise<void> {
  const parent = parentCode(code)
  const query = parent ? { parent_code: parent, page_size: 500 } : { level: 'province', page_size: 500 }
  const page = await api<Page<Division>>('registry', '/divisions', { query })
  rememberNames(page.items)
}

/** The cached name of `code`, or undefined (call ensureName first). Reactive. */
export function divisionName(code: string): string | undefined {
  return names.get(code)
}

/** Fetch the name of `code` (and its siblings) once; a refusal leaves the code unnamed. */
export async function ensureName(code: string): Promise<string | undefined> {
  if (!names.has(code)) {
    let job = pending.get(code)
    if (!job) {
      job = load(code).catch(() => undefined)
      pending.set(code, job)
    }
    await job
    pending.delete(code)
  }
  return names.get(code)
}
