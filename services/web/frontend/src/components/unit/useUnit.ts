// The signed-in unit: its id (the token's `unit` claim) and its name from the registry.
import { computed, onMounted, ref } from 'vue'
import { api, type Page } from '@/api'
import { session } from '@/auth/session'

export function useUnit() {
  const unitId = computed(() => session.claims?.unit ?? '')
  const unitName = ref('')
  onMounted(async () => {
    try {
      const units = await api<Page<{ unit_id: string; name: string }>>('registry', '/units', { query: { page_size: 500 } })
      // not found or not read: no name (the pages say 本单位), never the id, which is not for people
      unitName.value = units.items.find((u) => u.unit_id === unitId.value)?.name ?? ''
    } catch {
      unitName.value = ''
    }
  })
  return { unitId, unitName }
}
