// The one route table. Pages are loaded on demand (a phone downloads only what it opens).
// `meta.roles`: who may open a page (others are sent to their own home); `meta.public`: no sign-in.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { isSignedIn, session, type Role } from '@/auth/session'
import { homeOf, isAdmin } from '@/auth/roles'
import { villageRoutes } from '@/routes/village'
import { unitRoutes } from '@/routes/unit'
import { reportRoutes } from '@/routes/reports'
import { advisorRoutes } from '@/routes/advisor'

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
    roles?: (role: Role) => boolean
    title?: string
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: () => (session.claims ? homeOf(session.claims.role) : '/signin') },
  { path: '/signin', component: () => import('@/pages/SignInPage.vue'), meta: { public: true, title: '登录' } },
  {
    path: '/signin/callback',
    component: () => import('@/pages/OidcCallbackPage.vue'),
    meta: { public: true, title: '登录' },
  },
  {
    path: '/',
    component: () => import('@/layouts/DesktopLayout.vue'),
    children: [
      // ---- dashboard pages (owned by the dashboard work: edit the files in pages/dashboard/) ----
      { path: 'dashboard', component: () => import('@/pages/dashboard/DashboardPage.vue'),
        meta: { roles: isAdmin, title: '工作看板' } },
      { path: 'dashboard/:division', component: () => import('@/pages/dashboard/DashboardPage.vue'),
        meta: { roles: isAdmin, title: '工作看板' }, props: true },
      { path: 'volume/:village', component: () => import('@/pages/volume/VolumePage.vue'),
        meta: { roles: isAdmin, title: '村（居）台账' }, props: true },
      // ---- end of dashboard pages ----
    ],
  },
  // full-screen wall display: no header (dashboard work)
  { path: '/screen', component: () => import('@/pages/screen/ScreenPage.vue'),
    meta: { roles: isAdmin, title: '大屏' } },
  ...reportRoutes,
  ...advisorRoutes,
  {
    path: '/home',
    component: () => import('@/layouts/HomeLayout.vue'),
    children: [{ path: '', component: () => import('@/pages/HomePage.vue'), meta: { title: '首页' } }],
  },
  ...villageRoutes,
  ...unitRoutes,
  { path: '/:rest(.*)*', component: () => import('@/pages/NotFoundPage.vue'), meta: { public: true, title: '页面不存在' } },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach((to) => {
  if (to.meta.public) return true
  if (!isSignedIn()) return { path: '/signin', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  const role = session.claims!.role
  if (to.meta.roles && !to.meta.roles(role)) return homeOf(role)
  return true
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 一村（居）一法律顾问` : '一村（居）一法律顾问'
})
