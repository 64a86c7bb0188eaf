// Who is signed in. The token lives in sessionStorage only (gone when the tab closes, never in a
// URL, cookie or localStorage) and goes out in the Authorization header (api/client.ts). Its claims
// are decoded for display only: the services verify the signature and the claims on every call.
import { reactive } from 'vue'

export type Role =
  | 'province_admin'
  | 'city_admin'
  | 'county_admin'
  | 'justice_office'
  | 'law_firm'
  | 'legal_aid_center'
  | 'advisor'
  | 'village_committee'

export interface Claims {
  sub: string
  role: Role
  scope: string
  unit?: string
  name?: string
  exp?: number
  iat?: number
}

const KEY = 'vc.token'
const NAME_KEY = 'vc.name'

/** `name`: how to address the person (the token's `name` claim, or the demo person chosen). */
export const session = reactive<{ token: string | null; claims: Claims | null; name: string | null }>({
  token: null,
  claims: null,
  name: null,
})

function base64UrlJson(part: string): unknown {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=')
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  return JSON.parse(new TextDecoder().decode(bytes))
}

/** The token's claims, or null when it is not a JWT with role and scope. No signature check here. */
export function decodeClaims(token: string): Claims | null {
  const parts = token.split('.')
  if (parts.length !== 3) return null
  try {
    const claims = base64UrlJson(parts[1]) as Partial<Claims>
    if (typeof claims.role !== 'string' || typeof claims.scope !== 'string' || typeof claims.sub !== 'string')
      return null
    return claims as Claims
  } catch {
    return null
  }
}

// The server's clock minus this device's (ms), learnt from the `iat` of a token taken as it was issued
// (sign-in, the OIDC callback): a token's expiry is judged on the server's time. A phone whose clock
// ran hours ahead (a wrong date after a flat battery) found the token just issued already expired, and
// signing in ended on 身份令牌无法识别或已过期 however often it was fetched again.
const SKEW_KEY = 'vc.clockSkew'

function serverOffset(): number {
  return Number(sessionStorage.getItem(SKEW_KEY)) || 0
}

function expired(claims: Claims, offset = serverOffset()): boolean {
  return typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now() + offset
}

/** Keep `token` for this tab; false (and nothing kept) when it is unreadable or expired. `issuedNow`:
 * the token comes straight from its issuer, so its `iat` is the server's now (this device's clock
 * may be off: the skew is kept for the tab). */
export function signIn(token: string, name?: string | null, issuedNow = false): boolean {
  const trimmed = token.trim().replace(/^Bearer\s+/i, '')
  const claims = decodeClaims(trimmed)
  const offset = issuedNow && typeof claims?.iat === 'number' ? claims.iat * 1000 - Date.now() : serverOffset()
  if (!claims || expired(claims, offset)) return false
  sessionStorage.setItem(SKEW_KEY, String(offset))
  sessionStorage.setItem(KEY, trimmed)
  const display = claims.name ?? name ?? null
  if (display) sessionStorage.setItem(NAME_KEY, display)
  else sessionStorage.removeItem(NAME_KEY)
  session.token = trimmed
  session.claims = claims
  session.name = display
  return true
}

/** Set how to address the signed-in person (found after signing in with a pasted token). */
export function setDisplayName(name: string): void {
  sessionStorage.setItem(NAME_KEY, name)
  session.name = name
}

export function signOut(): void {
  sessionStorage.removeItem(KEY)
  sessionStorage.removeItem(SKEW_KEY)
  sessionStorage.removeItem(NAME_KEY)
  session.token = null
  session.claims = null
  session.name = null
}

/** Restore the tab's session on load (dropping an expired token). */
export function restore(): void {
  const token = sessionStorage.getItem(KEY)
  if (token && !signIn(token, sessionStorage.getItem(NAME_KEY))) signOut()
}

export function isSignedIn(): boolean {
  if (session.claims && expired(session.claims)) signOut()
  return session.token !== null
}
