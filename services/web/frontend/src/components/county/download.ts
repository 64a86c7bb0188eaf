// Downloads through fetch + blob: the token goes in the Authorization header, never in a URL.
import { ApiError, apiUrl, authHeaders, type RequestOptions, type Service } from '@/api'

function fileNameOf(response: Response, fallback: string): string {
  const header = response.headers.get('Content-Disposition') ?? ''
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1]
  return encoded ? decodeURIComponent(encoded) : fallback
}

/** Save what the service answers as a file; rejects with ApiError when refused. */
export async function download(service: Service, path: string, query: RequestOptions['query'], fallback: string): Promise<string> {
  const response = await fetch(apiUrl(service, path, query), { headers: authHeaders({ Accept: '*/*' }) })
  if (!response.ok) {
    let body
    try {
      body = await response.json()
    } catch {
      body = { code: 'request_refused', message: `导出未成功（${response.status}）`, field: null, errors: [], correlation_id: null }
    }
    throw new ApiError(response.status, body)
  }
  const name = fileNameOf(response, fallback)
  saveBlob(await response.blob(), name)
  return name
}

export function saveBlob(blob: Blob, name: string): void {
  const link = document.createElement('a')
  link.href = URL.createObjectURL(blob)
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
}
