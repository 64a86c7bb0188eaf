// One scale for "how far to the minimum" everywhere (grid, treemap, children): met, on the way,
// far behind. Each band also has a word, so colour is never the only carrier of meaning.

export interface Band {
  colour: string
  word: string
}

export const MET: Band = { colour: '#2f9e5b', word: '已达标' }
export const PARTIAL: Band = { colour: '#e6a23c', word: '未达标' }
export const BEHIND: Band = { colour: '#d64541', word: '严重不足' }
export const NO_RULE: Band = { colour: '#9aa4b2', word: '无要求' }

/** share = served / minimum (1 = met); null when the minimum is 0. */
export function bandOfShare(share: number | null): Band {
  if (share === null) return NO_RULE
  if (share >= 1) return MET
  return share >= 0.5 ? PARTIAL : BEHIND
}

/** For a division: the percentage of its villages meeting the minimum. */
export function bandOfPct(pct: number): Band {
  if (pct >= 90) return MET
  return pct >= 60 ? PARTIAL : BEHIND
}
