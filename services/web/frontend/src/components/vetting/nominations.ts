// Advisor nominations (R2 vetting) as both the county's inbox and the unit's list read them:
// GET /api/registry/nominations, newest first; the labels come from the contracts.
import { api, type Page } from '@/api'
import { AdvisorKind, AdvisorVetting } from '@/contracts/labels'
import { formatDateTime } from '@/util/time'

export interface Nomination {
  advisor_id: string
  name: string
  kind: string
  unit_id: string
  unit_name: string
  licence_no: string | null
  phone: string
  state: 'pending' | 'approved' | 'rejected'
  nominated_at: string
  decided_at: string | null
  reason: string | null
}

const KIND: Record<string, string> = AdvisorKind
const VETTING: Record<string, string> = AdvisorVetting
export const kindLabel = (kind: string): string => KIND[kind] ?? kind
export const vettingLabel = (state: string): string => VETTING[state] ?? state
export const vettingTag = (state: string): 'warning' | 'success' | 'danger' =>
  state === 'approved' ? 'success' : state === 'rejected' ? 'danger' : 'warning'
export const when = (at: string | null): string => (at ? formatDateTime(at) : '—')

/** Every nomination the caller may see (a unit: its own; the county: its county's), state optional. */
export async function nominations(query: Record<string, string | undefined> = {}): Promise<Nomination[]> {
  const page = await api<Page<Nomination>>('registry', '/nominations', { query: { ...query, page_size: 500 } })
  return page.items
}
