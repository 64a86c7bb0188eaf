// Downloads of files the services generate (XLSX, DOCX): fetched with the token in the Authorization
// header (never in the URL), then handed to the browser as a blob with the server's file name.
import { apiUrl, authHeaders, ApiError, type ErrorBody, type Service } from '@/api'

/** Fetch `path` of `service` and save it; rejects with ApiError (the services' refusal) on 4xx/5xx. */
export async function downloadFile(service: Service, path: string, fallbackName: string): Promise<string> {
  const response = await fetch(apiUrl(service, path), { headers: authHeaders({ Accept: '*/*' }) })
  if (!response.ok) {
    let body: ErrorBody
    try {
      body = (await response.json()) as ErrorBody
    } catch {
      body = { code: 'request_refused', message: `下载未成功（${response.status}）`, field: null, errors: [], correlation_id: null }
    }
    throw new ApiError(response.status, body)
  }
  const disposition = response.headers.get('content-disposition') ?? ''
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName
  const url = URL.createObjectURL(await response.blob())
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return name
}
