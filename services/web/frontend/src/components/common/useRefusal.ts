// A form's refusal, the one helper of every area (county, reports, advisor, village, unit): the
// API's ApiError kept from the last action, `reason(field)` to show next to the field it names
// (<FieldError :reason="reason('x')" />), `message` for the form, and `note(field, text)` for a
// check the page makes itself before sending (a blank reason), shown the same way.
//
// Three ways in. `run(action)` is for what the person does (a save): its refusal always shows.
// `read(fetch, show)` is for a read fired again on every choice (a period, a year), and
// `act(action, show)` for an action made for the choice on screen (a download of the chosen
// volume): both follow common/latest.ts (`useRead`), so a read shows its answer, its refusal or its
// end of loading only while no later read began, and an action's outcome shows only until another
// choice is made (`drop()`, or a read). A page with two such reads takes a useRefusal for each.
// Run through `run`, the page's own guard covered the answer only, and the late refusal of a period
// already changed showed under the new one (the county's 报送期限); a download's refusal for the
// previous year showed under the next one (台账导出, the volume head).
import { computed, reactive } from 'vue'
import { ApiError, fieldOf } from '@/api'
import { useRead, type ReadOutcome } from './latest'

export type { ReadOutcome }

export function useRefusal(fallback = '操作未成功，请重试') {
  const state = reactive<{ error: ApiError | null; other: string; notes: Record<string, string> }>({
    error: null, other: '', notes: {},
  })
  // Every run, read and act in the order they began, and which one the refusal shown came from: a read's
  // refusal arriving late never replaces that of an action begun after the read.
  let begun = 0
  let shownFrom = 0
  // Busy while a run, the latest read or an action for the choice on screen is under way. A single
  // flag turned off by whichever call ended first showed the page idle while the latest read was
  // still out.
  const going = reactive(new Set<number>())
  const busy = computed(() => going.size > 0)
  // The fields this page shows a reason beside (every `reason` asked, render after render): a
  // refusal's reasons for any other field go into `message`, else the page said 请检查标出的字段
  // with nothing marked. Plain, not reactive: it is filled while rendering.
  const shown = new Set<string>()
  const marked = (path: string): boolean => shown.has(path) || shown.has(fieldOf(path))
  /** The reason for `field`: the page's own note, else the API's (matched on the field's last part). */
  function reason(field: string): string {
    shown.add(field)
    if (state.notes[field]) return state.notes[field]
    const e = state.error
    if (!e) return ''
    return e.reasonFor(field) ?? (e.field && fieldOf(e.field) === field ? e.message : '')
  }
  const message = computed(() => state.error?.said(marked) ?? state.other)
  /** The form's message, but nothing when it would only point at `fields` showing their reasons (the
   *  reason says it already). A reason for a field the form does not show is still said: before, one
   *  of `fields` showing a reason silenced the whole message, and the other reason was said nowhere
   *  (the committee's 评价 refused for its stars and its year said only 不能大于 5). */
  function elsewhere(...fields: string[]): string {
    const beside = fields.filter((f) => reason(f)).length > 0 // each asked: each is marked
    const e = state.error
    if (!e) return beside ? '' : state.other
    return beside && e.reasons().every((r) => marked(r.field)) ? '' : e.said(marked)
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
  const reads = useRead()
  const busyWith = (mine: number) => (on: boolean): void => {
    if (on) going.add(mine)
    else going.delete(mine)
  }
  /** Read for the choice made now: clears the last refusal, and `show`s the answer, or keeps the
   *  refusal, only while no later read has begun (nor another choice was made). */
  function read<T>(fetch: () => Promise<T>, show: (answer: T) => void): Promise<ReadOutcome> {
    const mine = ++begun
    clear()
    return reads.read(fetch, {
      answer: show,
      // a read's refusal arriving late never replaces that of an action begun after the read
      refusal: (error) => { if (shownFrom <= mine) refuse(error, mine) },
      busy: busyWith(mine),
    })
  }
  /** An action for the choice on screen: like `run`, but its outcome (`show`, or the refusal kept)
   *  is dropped, and the page no longer busy with it, once another choice is made. */
  function act<T>(action: () => Promise<T>, show: (answer: T) => void = () => undefined): Promise<ReadOutcome> {
    const mine = ++begun
    clear()
    return reads.act(action, { answer: show, refusal: (error) => refuse(error, mine), busy: busyWith(mine) })
  }
  /** Another choice is on screen: what `read` or `act` began for the earlier one is dropped, and
   *  the refusal shown (it was about that choice) with it. */
  function drop(): void {
    reads.drop()
    clear()
  }
  return { reason, message, elsewhere, run, read, act, drop, busy, clear, note }
}
