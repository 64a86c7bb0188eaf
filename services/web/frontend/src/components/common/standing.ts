// Where a quarter (or a year's lectures) of the figure sheet stands, as the assessment API says it
// (`standing`, `standing_label`: 未开始 / 进行中 / 达标 / 未达标). Pages show it; none recomputes it
// (an unfinished quarter is never 未达标: the rule lives in assessment's domain/standing.py).
export type Standing = 'upcoming' | 'running' | 'met' | 'short'

export interface Stands {
  standing: Standing
  standing_label: string
}

/** Tag colours shared by Element Plus and Vant tags. */
export const STANDING_TAG: Record<Standing, 'success' | 'danger' | 'primary' | 'warning'> = {
  upcoming: 'primary',
  running: 'warning',
  met: 'success',
  short: 'danger',
}
