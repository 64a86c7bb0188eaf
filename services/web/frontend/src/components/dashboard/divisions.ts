// Division codes are padded (province 620000, city 621000, county 621025, township 621025100000,
// village 621025100201); their significant digits give the level and the containment test.

export type Level = 'province' | 'city' | 'county' | 'township' | 'village'

/** The significant prefix of a padded code: 620000 → 62, 621000 → 6210, 621025100000 → 621025100. */
export function significant(code: string): string {
  if (code.length === 6) {
    if (code.endsWith('0000')) return code.slice(0, 2)
    if (code.endsWith('00')) return code.slice(0, 4)
    return code
  }
  if (code.length === 12 && code.endsWith('000')) return code.slice(0, 9)
  return code
}

/** One division contains the other (either way round): a village's new visit changes the figures
 * of its township, county, city and province, and a county-wide change concerns every village. */
export function related(a: string, b: string): boolean {
  const x = significant(a)
  const y = significant(b)
  return x.startsWith(y) || y.startsWith(x)
}

export function concerns(shown: string, touched: string[]): boolean {
  return touched.some((code) => related(shown, code))
}

/** The village a gateway link points at, when it is a village volume or a village's compliance. */
export function villageOfLink(link: string): { village: string; year?: string } | null {
  const volume = /\/volumes\/village\/(\d{12})\/(\d{4})/.exec(link)
  if (volume) return { village: volume[1], year: volume[2] }
  return null
}
