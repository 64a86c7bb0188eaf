// The committee's village: its code is the token's scope (a 12-digit village code).
import { computed } from 'vue'
import { session } from '@/auth/session'

export function useVillage() {
  const code = computed(() => session.claims?.scope ?? '')
  const year = new Date().getFullYear()
  return { code, year }
}
