// The county's villages and communities (names from the registry), for pickers.
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
