// The county's villages and communities (names from the registry), for pickers.
import type { Ref } from 'vue'
import { api, type Page } from '@/api'
import { rememberNames, type Division } from '@/util/divisions'

export async function villagesOf(county: string): Promise<Division[]> {
  const levels = ['village', 'community']
  const pages = await Promise.all(
    levels.map((level) => api<Page<Division>>('registry', '/divisions', { query: { level, page_size: 500 } })),
  )
  const found = pages.flatMap((p) => p.items).filter((d) => d.code.startsWith(county))
  rememberNames(found)
  return found.sort((a, b) => a.code.localeCompare(b.code))
}

export interface AdvisorOption { advisor_id: string; name: string; unit_name: string; unit_id: string; status: string }

export async function advisorsOf(county: string): Promise<AdvisorOption[]> {
  const page = await api<Page<AdvisorOption>>('registry', '/advisors', { query: { county, page_size: 500 } })
  return page.items
}

/** A handler for an advisor picker's `@visible-change`: each time the picker opens, the county's
 *  roster is read again into `advisors`. An advisor approved (or registered) after the page was
 *  loaded reaches the roster through the registry's projection a moment later; read once at load,
 *  the picker said 无匹配数据 for them until a reload. A failed read keeps the list shown. */
export function rereadOnOpen(county: Ref<string>, advisors: Ref<AdvisorOption[]>): (open: boolean) => void {
  return (open) => {
    if (!open) return
    advisorsOf(county.value).then(
      (fresh) => { advisors.value = fresh },
      () => undefined,
    )
  }
}
