// Server-sent events with the token in the Authorization header (EventSource cannot send headers,
// and a token in the URL would be logged). fetch-event-source resends Last-Event-ID on reconnect,
// so the server replays what was missed; it retries with back-off while the page is open.
import { fetchEventSource, type EventSourceMessage } from '@microsoft/fetch-event-source'
import { apiUrl, authHeaders, type RequestOptions, type Service } from './client'

export interface Subscription {
  close(): void
}

export function subscribe(
  service: Service,
  path: string,
  onMessage: (message: EventSourceMessage) => void,
  options: { query?: RequestOptions['query']; onOpen?: () => void; onError?: (error: unknown) => void } = {},
): Subscription {
  const controller = new AbortController()
  void fetchEventSource(apiUrl(service, path, options.query), {
    headers: authHeaders({ Accept: 'text/event-stream' }),
    signal: controller.signal,
    openWhenHidden: true, // a wall display in a background tab must stay live
    async onopen(response) {
      if (!response.ok) throw new Error(`event stream refused (${response.status})`)
      options.onOpen?.()
    },
    onmessage: onMessage,
    onclose() {
      // the server ended the stream (restart, proxy timeout): reconnect, resuming from the last id
      throw new Error('event stream closed')
    },
    onerror(error) {
      options.onError?.(error)
      return 2000 // retry after 2 s; Last-Event-ID goes with it
    },
  })
  return { close: () => controller.abort() }
}
