// The signed-in person and their scope's name, for headers and home pages.
import { computed, onMounted, ref } from 'vue'
import { useRouter } from 'vue-router'
import { session, signOut } from '@/auth/session'
import { ROLE_NAMES } from '@/auth/roles'
import { divisionName, ensureName } from '@/util/divisions'

export function useScope() {
  const router = useRouter()
  const loading = ref(true)
  const claims = computed(() => session.claims)
  const roleName = computed(() => (claims.value ? ROLE_NAMES[claims.value.role] : ''))
  const scopeName = computed(() => {
    const code = claims.value?.scope
    if (!code) return ''
    return divisionName(code) ?? (loading.value ? '…' : `辖区 ${code}`)
  })
  // never a bare id: without a name (a pasted token the registry could not name) the role and scope say who
  const personName = computed(() => session.name ?? roleName.value)
  onMounted(async () => {
    if (claims.value) await ensureName(claims.value.scope)
    loading.value = false
  })
  async function leave(): Promise<void> {
    signOut()
    await router.replace('/signin')
  }
  return { claims, roleName, scopeName, personName, leave }
}
