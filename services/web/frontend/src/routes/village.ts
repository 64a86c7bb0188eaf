// Village committee pages (phone-first, Vant): countersign entries, rate the advisor, the volume.
import type { RouteRecordRaw } from 'vue-router'
import type { Role } from '@/auth/session'

export const isCommittee = (role: Role): boolean => role === 'village_committee'

export const villageRoutes: RouteRecordRaw[] = [
  {
    path: '/village',
    component: () => import('@/layouts/PhoneLayout.vue'),
    meta: { roles: isCommittee },
    children: [
      { path: '', name: 'village-entries', component: () => import('@/pages/village/EntriesPage.vue'), meta: { roles: isCommittee, title: '确认台账记录' } },
      { path: 'rate', component: () => import('@/pages/village/RatePage.vue'), meta: { roles: isCommittee, title: '评价法律顾问' } },
      { path: 'volume', component: () => import('@/pages/village/VolumePage.vue'), meta: { roles: isCommittee, title: '本村台账' } },
    ],
  },
]
