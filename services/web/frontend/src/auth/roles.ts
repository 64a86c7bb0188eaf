// What each role is called and where it lands after signing in.
import type { Role } from './session'

export const ROLE_NAMES: Record<Role, string> = {
  province_admin: '省级管理员',
  city_admin: '市级管理员',
  county_admin: '县级管理员',
  justice_office: '司法所',
  law_firm: '律师事务所',
  legal_aid_center: '法律援助中心',
  advisor: '法律顾问',
  village_committee: '村（居）委会',
}

const ADMINS: Role[] = ['province_admin', 'city_admin', 'county_admin']

export function isAdmin(role: Role): boolean {
  return ADMINS.includes(role)
}

/** Administrators watch the dashboard; advisors, village committees and units get their own home. */
export function homeOf(role: Role): string {
  if (role === 'village_committee') return '/village'
  if (role === 'justice_office' || role === 'law_firm' || role === 'legal_aid_center') return '/unit'
  if (role === 'advisor') return '/advisor'
  return isAdmin(role) ? '/dashboard' : '/home'
}

/** Phone-first roles: their pages use the Vant (H5) layout, also inside WeChat's browser. */
export function usesPhoneLayout(role: Role): boolean {
  return role === 'advisor' || role === 'village_committee'
}
