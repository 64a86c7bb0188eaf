// The advisor's phone pages (Vant, H5, also inside WeChat's browser).
import type { RouteRecordRaw } from 'vue-router'
import type { Role } from '@/auth/session'

const advisor = (role: Role) => role === 'advisor'

export const advisorRoutes: RouteRecordRaw[] = [
  {
    path: '/advisor',
    component: () => import('@/layouts/PhoneLayout.vue'),
    children: [
      {
        path: '',
        component: () => import('@/components/advisor/AdvisorShell.vue'),
        children: [
          { path: '', name: 'advisor-home', component: () => import('@/pages/advisor/AdvisorHomePage.vue'), meta: { roles: advisor, title: '我的村（社区）' } },
          { path: 'log', component: () => import('@/pages/advisor/LogPage.vue'), meta: { roles: advisor, title: '登记工作' } },
          { path: 'village/:code', component: () => import('@/pages/advisor/VillagePage.vue'), props: true,
            meta: { roles: advisor, title: '季度日历' } },
          { path: 'questions', component: () => import('@/pages/advisor/QuestionsPage.vue'), meta: { roles: advisor, title: '居民提问' } },
          { path: 'entries', component: () => import('@/pages/advisor/EntriesPage.vue'), meta: { roles: advisor, title: '我的记录' } },
          { path: 'entries/:entry/case', component: () => import('@/pages/advisor/TypicalCasePage.vue'), props: true,
            meta: { roles: advisor, title: '推荐典型案例' } },
          { path: 'figures', component: () => import('@/pages/advisor/FiguresPage.vue'), meta: { roles: advisor, title: '年度考核' } },
        ],
      },
    ],
  },
]
