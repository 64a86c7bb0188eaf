// A form prefilled from what the server keeps (the county's responsible people, a returned typical
// case, the visit's day and hours from the village's schedule) shows only once everything it
// prefills from has arrived. Shown before, what the person typed meanwhile was overwritten when the
// prefill came, and the old text was then sent (the committee's rating page sent the old comment,
// CI of 41643d5; the county's duties, the case write-up and the visit's hours did the same).
//
// `usePrefill(fill)` runs `fill` (its GETs and its assignments into the form) once the page is
// mounted; `ready` turns true only when it ran to its end. Until then the page shows a loading line
// (role=status, `waiting`) in place of the fields. A prefill that failed leaves the fields hidden and
// says why (`problem`): an empty form would save over what is kept. A later read (after a save) is
// the page's own and never writes into the form: the person may be typing in it again.
import { computed, onMounted, ref } from 'vue'
import { refusalText } from '@/api'

export function usePrefill(fill: () => Promise<void>, fallback = '暂时无法读取') {
  const ready = ref(false)
  const problem = ref('')
  const waiting = computed(() => !ready.value && !problem.value)
  onMounted(async () => {
    try {
      await fill()
      ready.value = true
    } catch (error) {
      problem.value = refusalText(error, fallback)
    }
  })
  return { ready, waiting, problem }
}
