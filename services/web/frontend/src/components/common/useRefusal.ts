// A form's refusal, the one helper of every area (county, reports, advisor, village, unit): the
// API's ApiError kept from the last action, `reason(field)` to show next to the field it names
// (<FieldError :reason="reason('x')" />), `message` for the form, and `note(field, text)` for a
// check the page makes itself before sending (a blank reason), shown the same way.
import { computed, reactive, ref } from 'vue'
import { ApiError } from '@/api'

export function useRefusal(fallback = '操作未成功，请重试') {
  const state = reactive<{ error: ApiError | null; other: string; notes: Record<string, string> }>({
    error: null, other: '', notes: {},
  })
  const busy = ref(false)
  /** The reason for `field`: the page's own note, else the API's (matched on the field's last part). */
  function reason(field: string): string {
    if (state.notes[field]) return state.notes[field]
    const e = state.error
    if (!e) return ''
    return e.reasonFor(field) ?? (e.field && e.field.split('.').pop() === field ? e.message : '')
  }
  const message = computed(() => state.error?.message ?? state.other)
  /** The form's message when none of `fields` shows a reason (else the reason says it already). */
  function elsewhere(...fields: string[]): string {
    return fields.some((f) => reason(f)) ? '' : message.value
  }
  function clear(): void {
    state.error = null
    state.other = ''
    state.notes = {}
  }
  function note(field: string, text: string): void {
    clear()
    state.notes[field] = text
  }
  /** Run one action: clears the last refusal, keeps the new one. Resolves true when it succeeded. */
  async function run(action: () => Promise<unknown>): Promise<boolean> {
    clear()
    busy.value = true
    try {
      await action()
      return true
    } catch (error) {
      if (error instanceof ApiError) state.error = error
      else state.other = fallback
      return false
    } finally {
      busy.value = false
    }
  }
  return { reason, message, elsewhere, run, busy, clear, note }
}
