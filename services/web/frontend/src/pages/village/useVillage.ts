// The committee's village: its code is the token's scope (a 12-digit village code).
import { computed } from 'vue'
import { session } from '@/auth/session'
import { cstYear } from '@/util/time'

export function useVillage() {
  const code = computed(() => session.claims?.scope ?? '')
  const year = cstYear() // +08:00, not the device's zone
  return { code, year }
}
