// The one display rule for hours (README "Time and counting rules", vc_contracts.durations): exact
// hours rounded half up to 2 decimals, written with two decimals ("8.00", "1.33"), a visit's and a
// total's alike, as the exports and reports write them. The services send hours already rounded by
// that rule; a page only writes them (formatHours) or, for a sum it makes itself, adds exact seconds
// and rounds once (formatSeconds), never adds rounded hours.

/** An hours figure from the API (a number rounded to 2 decimals, or its text) as "8.00"; "—" for none. */
export function formatHours(hours: number | string | null | undefined): string {
  if (hours === null || hours === undefined || hours === '') return '—'
  const value = Number(hours)
  return Number.isFinite(value) ? value.toFixed(2) : '—'
}

/** Exact whole seconds as hours text, rounded half up to 2 decimals (4,800 s → "1.33"). */
export function formatSeconds(seconds: number): string {
  return (Math.floor((Math.round(seconds) * 100 + 1800) / 3600) / 100).toFixed(2)
}

/** Whole seconds of a span between two instants (ISO strings). */
export function spanSeconds(start: string, end: string): number {
  return Math.max(0, Math.floor((Date.parse(end) - Date.parse(start)) / 1000))
}
