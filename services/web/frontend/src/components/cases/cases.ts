// Typical cases (典型案例, R16): the shapes the ledger answers, and which kinds of entry may be proposed.
export interface TypicalCase {
  case_id: string
  entry_id: string
  kind: string
  kind_label?: string
  village_code: string
  village_name?: string | null
  advisor_name?: string | null
  unit_name?: string | null
  year: number
  title: string
  text: string
  status: 'proposed' | 'approved' | 'returned'
  status_label: string
  reason: string | null
  submissions: number
  proposed_at: string
  decided_at: string | null
}

/** The kinds the notice calls typical cases (the ledger refuses others, naming the rule). */
export const PROPOSABLE = ['mediation', 'consultation', 'lecture']

export const STATUS_TAG: Record<TypicalCase['status'], 'warning' | 'success' | 'danger'> = {
  proposed: 'warning', approved: 'success', returned: 'danger',
}

/** The county's responsible people (registry, R16), as the annual preview carries them. */
export interface Duties { head: string; deputy: string; sections: string[]; filing_place: string }
/** An approved case as reporting publishes it (public page, annual report). */
export interface ApprovedCase {
  case_id: string; title: string; text: string; kind_label: string; village_name: string | null; village_code: string
}
