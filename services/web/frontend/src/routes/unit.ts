// Providing-unit pages (desktop, Element Plus): advisors' progress, nominations (R2 vetting), backfill
// import, the unit volume, typical cases proposed from its advisors' entries (R16).
import type { RouteRecordRaw } from 'vue-router'
import type { Role } from '@/auth/session'

const UNIT_ROLES: Role[] = ['justice_office', 'law_firm', 'legal_aid_center']
export const isUnit = (role: Role): boolean => UNIT_ROLES.includes(role)

export const unitRoutes: RouteRecordRaw[] = [
  {
    path: '/unit',
    component: () => import('@/layouts/DesktopLayout.vue'),
    meta: { roles: isUnit },
    children: [
      { path: '', component: () => import('@/pages/unit/AdvisorsPage.vue'), meta: { roles: isUnit, title: '本单位顾问' } },
      { path: 'import', component: () => import('@/pages/unit/ImportPage.vue'), meta: { roles: isUnit, title: '补录导入' } },
      { path: 'nominations', component: () => import('@/pages/unit/NominationsPage.vue'), meta: { roles: isUnit, title: '顾问提名' } },
      { path: 'volume', component: () => import('@/pages/unit/VolumePage.vue'), meta: { roles: isUnit, title: '本单位台账' } },
      { path: 'cases', component: () => import('@/pages/unit/CasesPage.vue'), meta: { roles: isUnit, title: '典型案例' } },
      { path: 'cases/:entry', component: () => import('@/pages/unit/CaseProposalPage.vue'), props: true, meta: { roles: isUnit, title: '推荐典型案例' } },
    ],
  },
]
