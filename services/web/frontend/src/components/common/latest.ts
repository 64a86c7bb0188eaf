// A page that reads again when the person changes a choice (an advisor, a village, a year, a
// period, a filter) shows the answer to the latest choice only. Each choice fires its GET and the
// answers may come back in any order: assigned as they arrived, a slow answer to an earlier choice
// replaced the later one's, and the page showed the previous advisor's sheet (or village's history,
// or period's figures) under the new choice — and a write made from it went to the new one.
//
// The guard lives here once. Written by hand on each page (a counter, then a check after every
// await, again in catch and in finally), one branch was forgotten now and then: the answer was
// guarded but not the refusal, or not the end of the loading state, and a late refusal of the
// previous period showed under the next one. So a page hands over what it fetches and how it shows
// the answer, the refusal and the busy state, and `useRead` applies the guard to all three:
//
//   const sheet = useRead()                       // one per thing the page reads
//   sheet.read(() => api(…), { answer: (a) => …, refusal: (e) => …, busy: (on) => (loading.value = on) })
//
// - `read` is a read for a new choice: every earlier read and action of this useRead is dropped
//   (nothing of it is shown, ever), and the busy state is handed to the new read.
// - `act` is an action for the choice on screen (a download of the chosen volume, a query sent from
//   a dialog): it does not replace what is under way, but its outcome shows only while that choice
//   is still the one on screen. An action is what the person did, so its refusal shows; but a
//   refusal for the previous village or year shown under the next one says something false.
// - `drop` says another choice is on screen without reading for it (a dialog reopened for another
//   entry, a choice that needs no read): what is under way for the earlier one is dropped and its
//   busy state ended.
// useRefusal's `read` and `act` are built on this (common/useRefusal.ts).

/** A read's outcome: true (shown), false (refused, the refusal shown), null (another choice was
 *  made meanwhile: nothing of it was shown). */
export type ReadOutcome = boolean | null

/** How a page shows what one read or action gave: each called only while its choice is on screen. */
export interface Shows<T> {
  answer: (answer: T) => void
  /** the error `fetch` threw (an ApiError, or anything else) */
  refusal: (error: unknown) => void
  /** on when the read begins; off when it ends, or at once when another choice takes its place */
  busy?: (on: boolean) => void
}

export function useRead() {
  let choice = 0 // the choice on screen; what began under an earlier one is dropped
  const waiting = new Set<() => void>() // the busy states still on for the choice on screen

  function drop(): void {
    choice += 1
    for (const off of waiting) off()
    waiting.clear()
  }

  async function act<T>(fetch: () => Promise<T>, show: Shows<T>): Promise<ReadOutcome> {
    const mine = choice
    const off = (): void => show.busy?.(false)
    waiting.add(off)
    show.busy?.(true)
    try {
      const answer = await fetch()
      if (mine !== choice) return null
      show.answer(answer)
      return true
    } catch (error) {
      if (mine !== choice) return null
      show.refusal(error)
      return false
    } finally {
      if (mine === choice) {
        waiting.delete(off)
        off()
      }
    }
  }

  function read<T>(fetch: () => Promise<T>, show: Shows<T>): Promise<ReadOutcome> {
    drop()
    return act(fetch, show)
  }

  return { read, act, drop }
}
