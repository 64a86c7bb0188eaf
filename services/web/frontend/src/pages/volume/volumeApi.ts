// The ledger's village volume (一村一卷), read through the gateway: GET …/volumes/village/{code}/{year},
// POST …/verify, and the two exports fetched with the Authorization header (a plain link cannot
// carry the token, and the token never goes in a URL).
import { api, ApiError, apiUrl, authHeaders } from '@/api'

export interface VolumeEntry {
  entry_id: string
  number: number
  kind: string
  kind_label: string
  occurred_at: string
  started_at: string | null
  ended_at: string | null
  hours: number | null
  content: string
  status: string
  notes: string[]
  voided: boolean
  void_reason: string | null
  confirmed: boolean
  advisor_name: string
  unit_name: string
}

export interface Volume {
  volume_id: string
  owner: string
  owner_name: string
  year: number
  period: string
  title: string
  chain: { algorithm: string; length: number; head: string; as_of: string | null }
  entries: VolumeEntry[]
  totals: { entries: number; voided: number; by_kind: Record<string, number>; visit_hours: number | string }
}

export interface Verdict {
  ok: boolean
  length: number
  recorded_head: string
  computed_head: string
  message: string
  first_mismatch: { number: number | null; entry_id: string; reason: string } | null
}

const path = (village: string, year: number) => `/volumes/village/${village}/${year}`

export function loadVolume(village: string, year: number, period?: string): Promise<Volume> {
  return api<Volume>('ledger', path(village, year), { query: { period } })
}

export function verifyVolume(village: string, year: number): Promise<Verdict> {
  return api<Verdict>('ledger', `${path(village, year)}/verify`, { method: 'POST' })
}

/** Fetch an export with the token and hand it to the browser: XLSX as a download, the printable
 * page in a new tab (from a blob URL, so no token ever sits in an address). */
export async function downloadExport(village: string, year: number, period: string | undefined, format: 'xlsx' | 'html') {
  const tab = format === 'html' ? window.open('', '_blank') : null
  const response = await fetch(apiUrl('ledger', `${path(village, year)}/export.${format}`, { period }), {
    headers: authHeaders({ Accept: '*/*' }),
  })
  if (!response.ok) {
    tab?.close()
    let body = { code: 'request_refused', message: `导出未成功（${response.status}）`, field: null, errors: [], correlation_id: null }
    try {
      body = await response.json()
    } catch {
      // not the error format: keep the generic message
    }
    throw new ApiError(response.status, body)
  }
  const url = URL.createObjectURL(await response.blob())
  if (tab) {
    tab.location.href = url
  } else {
    const link = document.createElement('a')
    link.href = url
    link.download = `工作台账-${village}-${period ?? year}.xlsx`
    link.click()
  }
  // the new tab has loaded (or the download started) well before this
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
