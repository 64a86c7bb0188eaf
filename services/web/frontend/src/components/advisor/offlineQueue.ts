// Entries logged on the phone wait here (IndexedDB) until they reach the ledger. Villages often have
// no signal: every entry gets its own key when it is made (sent as both `client_entry_id` and
// `Idempotency-Key`), so a send that got through but whose answer was lost is replayed by the
// ledger (`Idempotency-Replayed: true`), never logged twice. Sent on `online` and on page load.
import { reactive } from 'vue'
import { api, ApiError, newIdempotencyKey, unanswered } from '@/api'
import { noteWrite } from '@/components/common/writes'

export type EntryPath = '/visits' | '/lectures' | '/publicity-events' | '/consultations' | '/mediations' | '/document-reviews'

export interface Pending {
  key: string // the Idempotency-Key and client_entry_id, fixed when queued
  path: EntryPath
  body: Record<string, unknown>
  queuedAt: string
  owner: string // the advisor who made it: another person signing in on the phone never sends it
  refused?: string // the ledger's refusal (kept so the advisor sees it and discards or re-enters)
}

const DB = 'vc-advisor'
const STORE = 'pending'

/** What the page shows: the entries waiting and the ones the ledger refused. */
export const queue = reactive<{ items: Pending[]; sending: boolean; sent: number }>({
  items: [],
  sending: false,
  sent: 0, // entries sent since the page loaded: pages watch it to read their figures again
})

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1)
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'key' })
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
}

async function tx<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open()
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(STORE, mode)
      const request = work(t.objectStore(STORE))
      t.oncomplete = () => resolve(request.result)
      t.onerror = () => reject(t.error)
    })
  } finally {
    db.close()
  }
}

/** Read the queue of `owner` from IndexedDB into `queue.items` (oldest first). */
export async function reload(owner: string): Promise<void> {
  const all = await tx<Pending[]>('readonly', (s) => s.getAll() as IDBRequest<Pending[]>)
  queue.items = all.filter((p) => p.owner === owner).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt))
}

/** Keep an entry to send; its key is made here, once. Returns the queued entry. */
export async function enqueue(owner: string, path: EntryPath, body: Record<string, unknown>): Promise<Pending> {
  const key = newIdempotencyKey()
  const item: Pending = { key, path, body: { ...body, client_entry_id: key }, queuedAt: new Date().toISOString(), owner }
  await tx('readwrite', (s) => s.put(item))
  await reload(owner)
  return item
}

export async function discard(owner: string, key: string): Promise<void> {
  await tx('readwrite', (s) => s.delete(key))
  await reload(owner)
}

/** Send one entry. Resolves with the ledger's answer; a network failure leaves it queued
 * (ApiError status 0), a refusal is recorded on the item and rethrown. */
export async function send(owner: string, item: Pending): Promise<{ entry_id: string }> {
  try {
    const answer = await api<{ entry_id: string }>('ledger', item.path, { body: item.body, idempotencyKey: item.key })
    await discard(owner, item.key)
    queue.sent += 1
    noteWrite()
    return answer
  } catch (error) {
    if (error instanceof ApiError && !unanswered(error) && error.status !== 401) {
      await tx('readwrite', (s) => s.put({ ...item, refused: error.message }))
      await reload(owner)
    }
    throw error
  }
}

/** Send every waiting entry (not the refused ones), oldest first; stops at the first network failure. */
export async function flush(owner: string): Promise<number> {
  if (queue.sending) return 0
  queue.sending = true
  let sent = 0
  try {
    await reload(owner)
    for (const item of queue.items.filter((p) => !p.refused)) {
      try {
        await send(owner, item)
        sent += 1
      } catch (error) {
        if (unanswered(error)) break
      }
    }
  } finally {
    queue.sending = false
  }
  return sent
}

let listening = false

/** Load the queue and send it now and whenever the phone reconnects (call once per page load). */
export function startSending(owner: string): void {
  const go = () => void flush(owner)
  if (!listening) {
    listening = true
    window.addEventListener('online', go)
  }
  go()
}
