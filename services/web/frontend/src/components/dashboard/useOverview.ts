// The overview of one division and period, kept current by the live feed: a `changed` event that
// touches the shown division refetches it at once (a visit logged anywhere in scope shows within a
// second); events arriving while a fetch runs are folded into one more fetch after it, so a burst
// of commits costs two requests, not one per commit.
import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue'
import { ApiError, refusalText } from '@/api'
import { fetchOverview, type Overview } from '@/pages/dashboard/overviewApi'
import { concerns } from './divisions'
import { openLiveFeed, type LiveFeed } from './liveStream'

export function useOverview(division: Ref<string | undefined>, period: Ref<string | undefined>) {
  const overview = shallowRef<Overview | null>(null)
  const error = ref<{ code?: string; message: string } | null>(null)
  const loading = ref(false)
  const updatedAt = ref<Date | null>(null)
  let running: Promise<void> | null = null
  let again = false
  const key = () => `${division.value ?? ''}|${period.value ?? ''}`

  async function load(): Promise<void> {
    if (running) {
      again = true
      return running
    }
    const asked = key()
    loading.value = overview.value === null
    running = (async () => {
      try {
        const answer = await fetchOverview(division.value, period.value)
        if (asked === key()) {
          overview.value = answer
          error.value = null
          updatedAt.value = new Date()
        }
      } catch (failure) {
        if (asked === key()) {
          const code = failure instanceof ApiError ? failure.code : undefined
          error.value = { code, message: refusalText(failure, '暂时无法读取概况，请稍后重试') }
        }
      } finally {
        loading.value = false
        running = null
      }
    })()
    await running
    if (again) {
      again = false
      await load()
    }
  }

  watch([division, period], () => {
    overview.value = null
    void load()
  })

  const feed: LiveFeed = openLiveFeed({
    onChanged(divisions) {
      const shown = overview.value?.division.code ?? division.value
      if (!shown || concerns(shown, divisions)) void load()
    },
    onReset: () => void load(),
  })

  onBeforeUnmount(feed.stop)
  void load()

  return { overview, error, loading, updatedAt, live: feed.state, reload: load }
}
