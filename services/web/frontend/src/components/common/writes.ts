// Writes this tab made whose effects other read models show a moment later: a ledger entry logged,
// corrected or voided reaches assessment's hours and the reports through the event stream, after
// the ledger's answer. Every page that shows such a figure reads it again after any write, even one
// made on another page just before it opened (the advisor corrects a visit, then opens the home),
// and whenever the tab comes back into view; until this, only an entry sent from the phone's queue
// was followed by a re-read, so a correction or a void left the home's hours stale until reloaded.
import { onBeforeUnmount, onMounted, reactive, watch } from 'vue'

export const writes = reactive({ count: 0, at: 0 })

/** Call after every successful write whose effects other pages show (the ledger's answer came). */
export function noteWrite(): void {
  writes.count += 1
  writes.at = Date.now()
}

// The event stream usually delivers within a second or two; on a loaded server it can take longer.
const AGAIN_MS = [1000, 2500, 5000, 8000, 12000, 20000, 30000, 45000]
const RECENT_MS = 45_000

/** Call `load` again a few times after every write (`noteWrite`), including one made within the
 *  last `RECENT_MS` before this page opened, and when the tab is shown again. */
export function useRefreshAfterWrites(load: () => Promise<void>): void {
  const timers: number[] = []
  const reread = () => void load().catch(() => undefined)
  const again = () => {
    timers.splice(0).forEach(clearTimeout)
    const since = Date.now() - writes.at
    for (const ms of AGAIN_MS) if (ms > since) timers.push(window.setTimeout(reread, ms - since))
  }
  const shown = () => {
    if (document.visibilityState === 'visible') reread()
  }
  const stop = watch(() => writes.count, again)
  onMounted(() => {
    if (writes.at && Date.now() - writes.at < RECENT_MS) again()
    document.addEventListener('visibilitychange', shown)
  })
  onBeforeUnmount(() => {
    stop()
    timers.forEach(clearTimeout)
    document.removeEventListener('visibilitychange', shown)
  })
}
