// Report pages: the report inbox of the county, city and province, each report with its escalation
// path, the providing unit's half-year report and the county's annual report (with the written one).
import type { RouteRecordRaw } from 'vue-router'
import type { Role } from '@/auth/session'
import { isAdmin } from '@/auth/roles'

const UNIT_ROLES: Role[] = ['justice_office', 'law_firm', 'legal_aid_center']
const isUnitRole = (role: Role): boolean => UNIT_ROLES.includes(role)
/** Who reads reports at all: administrators (review) and providing units (their own). */
export const readsReports = (role: Role): boolean => isAdmin(role) || isUnitRole(role)

export const reportRoutes: RouteRecordRaw[] = [
  // the advisor confirms their own half-year figures on the phone, in the advisor's shell
  {
    path: '/reports/my-half-year',
    component: () => import('@/layouts/PhoneLayout.vue'),
    children: [{
      path: '', component: () => import('@/components/advisor/AdvisorShell.vue'),
      children: [{ path: '', component: () => import('@/pages/reports/MyHalfYearPage.vue'),
        meta: { roles: (role: Role) => role === 'advisor', title: '我的半年数据' } }],
    }],
  },
  {
    path: '/reports',
    component: () => import('@/layouts/DesktopLayout.vue'),
    meta: { roles: readsReports },
    children: [
      { path: '', component: () => import('@/pages/reports/InboxPage.vue'),
        meta: { roles: readsReports, title: '报告' } },
      { path: 'half-year', component: () => import('@/pages/reports/HalfYearPage.vue'),
        meta: { roles: isUnitRole, title: '半年台账报告' } },
      { path: 'annual', component: () => import('@/pages/reports/AnnualPage.vue'),
        meta: { roles: (role: Role) => role === 'county_admin', title: '年度工作报告' } },
      { path: 'view/:reportId', component: () => import('@/pages/reports/DetailPage.vue'), props: true,
        meta: { roles: readsReports, title: '报告详情' } },
    ],
  },
]
