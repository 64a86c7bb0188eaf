// The dashboard's live feed: reporting's server-sent events (GET /dashboard/stream), read with the
// shared fetch-based subscription (token in the Authorization header, Last-Event-ID on reconnect).
// `changed` names the divisions a projection commit touched; `reset` means the server could not
// replay what this tab missed, so everything shown is reloaded.
import { ref, type Ref } from 'vue'
import { subscribe } from '@/api'

export type LiveState = 'connecting' | 'live' | 'down'

export interface LiveFeed {
  state: Ref<LiveState>
  stop: () => void
}

export function openLiveFeed(handlers: { onChanged: (divisions: string[]) => void; onReset: () => void }): LiveFeed {
  const state = ref<LiveState>('connecting')
  const subscription = subscribe(
    'reporting',
    '/dashboard/stream',
    (message) => {
      if (message.event === 'changed') handlers.onChanged(divisionsOf(message.data))
      else if (message.event === 'reset') handlers.onReset()
    },
    {
      onOpen: () => (state.value = 'live'),
      onError: () => (state.value = 'connecting'),
    },
  )
  return { state, stop: () => subscription.close() }
}

function divisionsOf(data: string): string[] {
  try {
    const body = JSON.parse(data) as { divisions?: unknown }
    return Array.isArray(body.divisions) ? body.divisions.map(String) : []
  } catch {
    return []
  }
}
