// A form's refusal, the one helper of every area (county, reports, advisor, village, unit): the
// API's ApiError kept from the last action, `reason(field)` to show next to the field it names
// (<FieldError :reason="reason('x')" />), `message` for the form, and `note(field, text)` for a
// check the page makes itself before sending (a blank reason), shown the same way.
//
// Two ways in. `run(action)` is for what the person does (a save, a download): its refusal always
// shows. `read(fetch, show)` is for a read fired again on every choice (a period, a year): it
// follows common/latest.ts, so only the latest read shows its answer, its refusal or its end of
// loading (a page with two such reads takes a useRefusal for each). Run through `run`, the page's own guard covered the answer only, and the late
// refusal of a period already changed showed under the new one (the county's 报送期限).
import { computed, reactive } from 'vue'
import { ApiError } from '@/api'
import { useLatest } from './latest'

/** A read's outcome: true (shown), false (refused, the refusal shown), null (a later read began
 *  meanwhile: nothing of it was assigned). */
export type ReadOutcome = boolean | null

export function useRefusal(fallback = '操作未成功，请重试') {
  const state = reactive<{ error: ApiError | null; other: string; notes: Record<string, string> }>({
    error: null, other: '', notes: {},
  })
  // Every run and read in the order they began, and which one the refusal shown came from: a read's
  // refusal arriving late never replaces that of an action begun after the read.
  let begun = 0
  let shownFrom = 0
  // Busy while a run, or the latest read, is under way. A single flag turned off by whichever call
  // ended first showed the page idle while the latest read was still out.
  const going = reactive(new Set<number>())
  const busy = computed(() => going.size > 0)
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
    shownFrom = 0
  }
  function note(field: string, text: string): void {
    clear()
    state.notes[field] = text
    shownFrom = ++begun
  }
  function refuse(error: unknown, from: number): void {
    if (error instanceof ApiError) state.error = error
    else state.other = fallback
    shownFrom = from
  }
  /** Run one action: clears the last refusal, keeps the new one. Resolves true when it succeeded. */
  async function run(action: () => Promise<unknown>): Promise<boolean> {
    const mine = ++begun
    clear()
    going.add(mine)
    try {
      await action()
      return true
    } catch (error) {
      refuse(error, mine)
      return false
    } finally {
      going.delete(mine)
    }
  }
  const latestRead = useLatest()
  let reading = 0 // the latest read's number: busy waits for it, not for the reads it replaced
  /** Read for the choice made now: clears the last refusal, and `show`s the answer, or keeps the
   *  refusal, only while no later read has begun. */
  async function read<T>(fetch: () => Promise<T>, show: (answer: T) => void): Promise<ReadOutcome> {
    const mine = ++begun
    going.delete(reading) // the earlier read is no longer waited for: its end will be dropped
    reading = mine
    const current = latestRead()
    clear()
    going.add(mine)
    try {
      const answer = await fetch()
      if (!current()) return null
      show(answer)
      return true
    } catch (error) {
      if (!current()) return null
      if (shownFrom <= mine) refuse(error, mine)
      return false
    } finally {
      going.delete(mine)
    }
  }
  return { reason, message, elsewhere, run, read, busy, clear, note }
}
