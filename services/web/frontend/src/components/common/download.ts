// Files the services generate (XLSX, DOCX, printable HTML), fetched with the token in the
// Authorization header (never in a URL), then handed to the browser from a blob: saved under the
// server's file name, or (printable pages) opened in a new tab. The one download helper of the app.
import { ApiError, apiUrl, authHeaders, type ErrorBody, type RequestOptions, type Service } from '@/api'

/** The server's file name: RFC 5987 `filename*=UTF-8''…` (Chinese names), else `filename="…"`. */
function fileNameOf(response: Response, fallback: string): string {
  const header = response.headers.get('content-disposition') ?? ''
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1]
  if (encoded) return decodeURIComponent(encoded)
  return /filename="?([^";]+)"?/i.exec(header)?.[1] ?? fallback
}

/** GET the file; rejects with ApiError (the services' refusal, or a generic one) on 4xx/5xx. */
async function fetchFile(service: Service, path: string, query?: RequestOptions['query']): Promise<Response> {
  const response = await fetch(apiUrl(service, path, query), { headers: authHeaders({ Accept: '*/*' }) })
  if (!response.ok) {
    let body: ErrorBody
    try {
      body = (await response.json()) as ErrorBody
      if (typeof body?.code !== 'string') throw new Error('not an error body')
    } catch {
      body = { code: 'request_refused', message: `下载未成功（${response.status}）`, field: null, errors: [], correlation_id: null }
    }
    throw new ApiError(response.status, body)
  }
  return response
}

/** Save a blob under `name` (a temporary link clicked; the blob URL is let go a little later). */
export function saveBlob(blob: Blob, name: string): void {
  const link = document.createElement('a')
  link.href = URL.createObjectURL(blob)
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  window.setTimeout(() => URL.revokeObjectURL(link.href), 60_000)
}

/** Fetch `path` of `service` and save it; resolves with the file name saved. */
export async function downloadFile(
  service: Service, path: string, fallbackName: string, query?: RequestOptions['query'],
): Promise<string> {
  const response = await fetchFile(service, path, query)
  const name = fileNameOf(response, fallbackName)
  saveBlob(await response.blob(), name)
  return name
}

/** Fetch a file (an image) and give it as a blob: URL for an <img>; the caller revokes it. */
export async function objectUrl(service: Service, path: string): Promise<string> {
  return URL.createObjectURL(await (await fetchFile(service, path)).blob())
}

/** Fetch a printable page and open it in a new tab (opened at once, so no popup blocker stops it). */
export async function openFile(service: Service, path: string, query?: RequestOptions['query']): Promise<void> {
  const tab = window.open('', '_blank')
  try {
    const response = await fetchFile(service, path, query)
    const url = URL.createObjectURL(await response.blob())
    if (tab) tab.location.href = url
    window.setTimeout(() => URL.revokeObjectURL(url), 60_000)
  } catch (error) {
    tab?.close()
    throw error
  }
}
