// How far a figure is toward its minimum, for a progress bar: one rule for every bar.

/** `done` of `owed` in whole per cent, 0–100: the share rounded, except that a figure short of its
 *  minimum never fills the bar (7.97 of 8 hours is 99, not 100: a full bar reads as 已达标) and a
 *  figure above nothing never leaves it empty (0.02 of 8 hours is 1). Nothing owed is 100.
 *  `met` is the services' verdict where they give one: hours come rounded to 2 decimals, so 7 h 59 min
 *  59 s arrives as 8.00 of 8, not met (vc_contracts.durations), and only the verdict says it is short;
 *  without one, a figure meets its minimum when it reaches it (whole counts: lectures).
 *  The dashboard's shares follow the same rule in `vc_contracts.rounding.shown_share`. */
export function progressPercent(done: number, owed: number, met: boolean = !(owed > 0) || done >= owed): number {
  if (met) return 100
  if (!(done > 0)) return 0
  if (!(owed > 0)) return 99
  return Math.min(99, Math.max(1, Math.round((done / owed) * 100)))
}

/** What a figure that reads as its minimum while short of it says (hours rounded to 2 decimals:
 *  8.00 / 8.00 not met); '' for any other figure. The bar's colour alone said it. */
export function shortUnseen(done: number, owed: number, met: boolean): string {
  return !met && owed > 0 && done >= owed ? '尚未达标：精确时长略少于要求，显示值已四舍五入' : ''
}
