// A ledger volume (一村一卷 / 一所一卷) as the ledger's GET /volumes/{kind}/{owner}/{year} returns it,
// and its chain verification (POST …/verify). Shared by the village and unit volume pages.
import { api } from '@/api'

export interface VolumeEntry {
  entry_id: string
  number: number
  kind: string
  kind_label: string
  occurred_at: string
  started_at: string | null
  ended_at: string | null
  hours: number | null
  village_code: string
  village_name: string
  advisor_id: string
  advisor_name: string
  unit_name: string
  content: string
  status: string
  notes: string[]
  confirmed: boolean
  voided: boolean
}

export interface Volume {
  volume_id: string
  kind: 'village' | 'unit'
  owner: string
  owner_name: string
  year: number
  period: string
  title: string
  chain: { algorithm: string; length: number; head: string; as_of: string | null }
  entries: VolumeEntry[]
  totals: { entries: number; voided: number; by_kind: Record<string, number>; visit_hours: string }
}

export interface Verification {
  volume_id: string
  ok: boolean
  length: number
  recorded_head: string
  computed_head: string
  first_mismatch: { number: number } | null
  message: string
}

function volumePath(kind: Volume['kind'], owner: string, year: number): string {
  return `/volumes/${kind}/${encodeURIComponent(owner)}/${year}`
}

export function loadVolume(kind: Volume['kind'], owner: string, year: number): Promise<Volume> {
  return api<Volume>('ledger', volumePath(kind, owner, year))
}

export function verifyVolume(kind: Volume['kind'], owner: string, year: number): Promise<Verification> {
  return api<Verification>('ledger', `${volumePath(kind, owner, year)}/verify`, { method: 'POST' })
}

export function exportPath(kind: Volume['kind'], owner: string, year: number): string {
  return `${volumePath(kind, owner, year)}/export.xlsx`
}
