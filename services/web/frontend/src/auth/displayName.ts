// How to address someone who signed in with a pasted token (no `name` claim, not a chosen demo
// person): by their office, unit or own name from the registry, as the demo sign-in does, never by
// a bare id. Looked up once at sign-in with the token itself; kept with the session.
import { api, type Page } from '@/api'
import { ensureName } from '@/util/divisions'
import type { Claims } from './session'

interface Unit {
  unit_id: string
  name: string
}

/** 正宁县司法局 / 甘肃省司法厅 for administrators, the unit's or advisor's name, 某村村民委员会;
 * null when the registry cannot say (the header then shows the role and scope only). */
export async function displayNameOf(claims: Claims): Promise<string | null> {
  try {
    switch (claims.role) {
      case 'province_admin':
      case 'city_admin':
      case 'county_admin': {
        const place = await ensureName(claims.scope)
        return place ? `${place}${claims.role === 'province_admin' ? '司法厅' : '司法局'}` : null
      }
      case 'village_committee': {
        const place = await ensureName(claims.scope)
        return place ? `${place}${place.endsWith('社区') ? '居民委员会' : '村民委员会'}` : null
      }
      case 'advisor': {
        const card = await api<{ advisor: { name: string } }>('registry', `/advisors/${encodeURIComponent(claims.sub)}`)
        return card.advisor.name || null
      }
      default: {
        if (!claims.unit) return null
        const units = await api<Page<Unit>>('registry', '/units', { query: { page_size: 500 } })
        return units.items.find((u) => u.unit_id === claims.unit)?.name ?? null
      }
    }
  } catch {
    return null
  }
}
