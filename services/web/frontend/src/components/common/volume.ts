// A ledger volume (一村一卷 / 一所一卷) as the ledger's GET /volumes/{kind}/{owner}/{year} returns it,
// its chain verification (POST …/verify) and its exports (XLSX saved, printable page in a new tab;
// both fetched with the token, never a link carrying it). The one volume client of the app: the
// village, unit and dashboard volume pages use it.
import { api } from '@/api'
import { downloadFile, objectUrl, openFile } from './download'

export type VolumeKind = 'village' | 'unit'

export interface VolumeEntry {
  entry_id: string
  number: number
  kind: string
  kind_label: string
  occurred_at: string
  started_at: string | null
  ended_at: string | null
  hours: number | null
  /** what the visit counts in the volume's period (its part of a span across a quarter boundary; 0 voided) */
  counted_hours?: number | null
  village_code: string
  village_name: string
  advisor_id: string
  advisor_name: string
  unit_name: string
  content: string
  status: string
  notes: string[]
  confirmed: boolean
  queried?: boolean
  query_reason?: string | null
  voided: boolean
  void_reason: string | null
}

export interface Volume {
  volume_id: string
  kind: VolumeKind
  owner: string
  owner_name: string
  year: number
  period: string
  title: string
  chain: {
    algorithm: string
    length: number
    head: string
    as_of: string | null
    /** The canonical versions of the volume's links, ascending: [2], or [1, 2] for a volume begun before v2. */
    canonical_versions: number[]
    /** What the head's QR code holds: "<volume_id> <head>". */
    head_text: string
  }
  entries: VolumeEntry[]
  totals: { entries: number; voided: number; by_kind: Record<string, number>; visit_hours: number | string }
}

export interface Verification {
  volume_id: string
  ok: boolean
  length: number
  recorded_head: string
  computed_head: string
  first_mismatch: { number: number | null; entry_id: string; reason: string } | null
  message: string
}

function volumePath(kind: VolumeKind, owner: string, year: number): string {
  return `/volumes/${kind}/${encodeURIComponent(owner)}/${year}`
}

/** The volume of `year`, or of a period inside it (2026Q1, 2026H2): numbers never change with it. */
export function loadVolume(kind: VolumeKind, owner: string, year: number, period?: string): Promise<Volume> {
  return api<Volume>('ledger', volumePath(kind, owner, year), { query: { period } })
}

export function verifyVolume(kind: VolumeKind, owner: string, year: number): Promise<Verification> {
  return api<Verification>('ledger', `${volumePath(kind, owner, year)}/verify`, { method: 'POST' })
}

export function exportPath(kind: VolumeKind, owner: string, year: number, format: 'xlsx' | 'html'): string {
  return `${volumePath(kind, owner, year)}/export.${format}`
}

/** The XLSX saved (resolves with its file name), or the printable page opened in a new tab. */
export async function exportVolume(
  kind: VolumeKind, owner: string, year: number, period: string | undefined, format: 'xlsx' | 'html',
): Promise<string> {
  const path = exportPath(kind, owner, year, format)
  if (format === 'html') {
    await openFile('ledger', path, { period })
    return ''
  }
  return downloadFile('ledger', path, `工作台账-${owner}-${period ?? year}.xlsx`, { period })
}

/** "v2", or "v1、v2" (older links keep the version they were computed with). */
export function versionsLabel(versions: number[]): string {
  return versions.length ? versions.map((v) => `v${v}`).join('、') : '—'
}

/** The check file (vc-volume/1: every link with the canonical text it hashes), saved; resolves
 * with its file name. An auditor runs `python -m vc_contracts.verify FILE` on it. */
export function downloadCheckFile(kind: VolumeKind, owner: string, year: number): Promise<string> {
  return downloadFile('ledger', `${volumePath(kind, owner, year)}/export.json`, `校验文件-${kind}-${owner}-${year}.json`)
}

/** A blob: URL of the QR code (SVG) of "<volume_id> <head>"; revoke it when done. */
export function headQrUrl(kind: VolumeKind, owner: string, year: number): Promise<string> {
  return objectUrl('ledger', `${volumePath(kind, owner, year)}/head.svg`)
}

/** A volume's links as first sealed (held by reporting, outside the ledger's database) checked
 * against its latest seal: reporting's GET /sealed-volumes/{volume_id}. */
export interface SealCheck {
  volume_id: string
  sealed: true
  length: number
  head: string
  ok: boolean
  first_mismatch: { seq: number; entry_id: string; event_id: string; reason: string } | null
  message: string
}

/** The seal check of a volume, or null when reporting holds no seal of it yet. Asked with
 * `missing=ok`: until the ledger's daily seal has run that is the normal state, answered
 * `{sealed: false}` instead of a 404 the browser would log as an error on every volume page. */
export async function sealCheck(volumeId: string): Promise<SealCheck | null> {
  const answer = await api<SealCheck | { volume_id: string; sealed: false }>(
    'reporting',
    `/sealed-volumes/${encodeURIComponent(volumeId)}`,
    { query: { missing: 'ok' } },
  )
  return answer.sealed === false ? null : answer
}
