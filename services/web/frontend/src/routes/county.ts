// The county section (县司法局): roster, nominations to vet (R2), assignments, agreements, imports, notice boards, rules,
// assessments, deadlines and ledger exports. County administrators act; city and province
// administrators see the same pages read-only (the API decides what each may do).
import type { RouteRecordRaw } from 'vue-router'
import { isAdmin } from '@/auth/roles'

export const countyRoutes: RouteRecordRaw[] = [
  {
    path: '/county',
    component: () => import('@/layouts/DesktopLayout.vue'),
    children: [
      {
        path: '',
        component: () => import('@/pages/county/CountySection.vue'),
        meta: { roles: isAdmin },
        children: [
          { path: '', redirect: '/county/roster' },
          { path: 'roster', component: () => import('@/pages/county/RosterPage.vue'),
            meta: { roles: isAdmin, title: '顾问名册' } },
          { path: 'nominations', component: () => import('@/pages/county/NominationsPage.vue'),
            meta: { roles: isAdmin, title: '提名审核' } },
          { path: 'assignments', component: () => import('@/pages/county/AssignmentsPage.vue'),
            meta: { roles: isAdmin, title: '指派与调整' } },
          { path: 'agreements', component: () => import('@/pages/county/AgreementsPage.vue'),
            meta: { roles: isAdmin, title: '协议与备案' } },
          { path: 'imports', component: () => import('@/pages/county/ImportsPage.vue'),
            meta: { roles: isAdmin, title: '名册与区划导入' } },
          { path: 'boards', component: () => import('@/pages/county/BoardsPage.vue'),
            meta: { roles: isAdmin, title: '公示栏' } },
          { path: 'rules', component: () => import('@/pages/county/RulesPage.vue'),
            meta: { roles: isAdmin, title: '考核规则' } },
          { path: 'assessments', component: () => import('@/pages/county/AssessmentsPage.vue'),
            meta: { roles: isAdmin, title: '年度考核' } },
          { path: 'deadlines', component: () => import('@/pages/county/DeadlinesPage.vue'),
            meta: { roles: isAdmin, title: '报送期限' } },
          { path: 'exports', component: () => import('@/pages/county/ExportsPage.vue'),
            meta: { roles: isAdmin, title: '台账导出' } },
          { path: 'cases', component: () => import('@/pages/county/TypicalCasesPage.vue'),
            meta: { roles: isAdmin, title: '典型案例' } },
          { path: 'duties', component: () => import('@/pages/county/ResponsibilitiesPage.vue'),
            meta: { roles: isAdmin, title: '职责分工' } },
        ],
      },
    ],
  },
]
