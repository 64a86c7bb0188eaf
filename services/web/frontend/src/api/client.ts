// The one HTTP client of the pages. Every call goes to /api/<service>/… on this origin (the dev
// gateway or the production Ingress), with the signed-in person's token in the Authorization header
// (never in the URL). A refusal arrives in the services' one error format and is thrown as ApiError,
// so a page can show `message` and put each `errors[i].reason` next to its field.
import { session, signOut } from '@/auth/session'

export type Service = 'registry' | 'ledger' | 'assessment' | 'reporting'

export interface FieldError {
  field: string
  reason: string
}

/** The services' error body (README "Error format"). */
export interface ErrorBody {
  code: string
  message: string
  field: string | null
  errors: FieldError[]
  correlation_id: string | null
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field: string | null
  readonly errors: FieldError[]
  readonly correlationId: string | null

  constructor(status: number, body: ErrorBody) {
    super(body.message)
    this.status = status
    this.code = body.code
    this.field = body.field
    this.errors = body.errors ?? []
    this.correlationId = body.correlation_id
  }

  /** The reason given for `field` (matched whole, or by `fieldOf`: `changes.summary` → `summary`). */
  reasonFor(field: string): string | undefined {
    return this.errors.find((e) => e.field === field || fieldOf(e.field) === field)?.reason
  }

  /** Each field's reason: the listed ones, else (a rule's refusal of one field) its message. */
  reasons(): FieldError[] {
    return this.errors.length || !this.field ? this.errors : [{ field: this.field, reason: this.message }]
  }

  /** The message with every field's reason but those `marked` beside their field: a 422 says
   *  请求内容有误，请检查标出的字段, and a page that marks none of them (a read's query, a field it
   *  has no place for) showed that and nothing else. `请求内容有误：「每页条数」不能大于 500`.
   *
   *  Each reason is said once on the page. A rule's refusal is one reason whose message is that
   *  reason: shown beside its marked field, the message says only 请检查标出的字段 (the 登记 form said
   *  同一时间不能在两个村（社区）现场服务… under 村（社区） and again above 提交); its field not
   *  marked, the message says it (and never again as 「division」…). */
  said(marked: (field: string) => boolean = () => false): string {
    const reasons = this.reasons()
    const beside = reasons.filter((e) => marked(e.field))
    // the message is a reason already shown beside its field: a pointer to it instead
    const repeats = beside.some((e) => e.reason && this.message.includes(e.reason))
    const head = repeats ? POINTER : this.message
    // a reason the message already says is not said again: 行政区划代码须为6位或12位数字…：
    // 「division」行政区划代码须为6位或12位数字… before
    const rest = reasons.filter((e) => !marked(e.field) && !(e.reason && head.includes(e.reason)))
    if (!rest.length) return head
    const said = rest.map((e) => `「${fieldName(e.field)}」${e.reason}`).join('；')
    if (repeats) return `${said}；另${POINTER}`
    return `${head.replace(/[，,]?请检查标出的字段。?$/, '')}：${said}`
  }
}

/** What a form's message says when every reason of its refusal is shown beside its field. */
export const POINTER = '请检查标出的字段'

/** What a page shows for a failed call: the refusal with all its reasons (`ApiError.said`), else
 *  `fallback` (the network, a timeout: no answer to quote). */
export function refusalText(error: unknown, fallback: string): string {
  return error instanceof ApiError ? error.said() : fallback
}

/** A call that got no answer to show: no network (status 0), a server failing (5xx) or a timeout
 *  (an aborted fetch). Only these may fall back to a saved copy or keep a write queued; a 4xx is the
 *  service's answer (scope, validation, an expired token) and is shown as such. */
export function unanswered(error: unknown): boolean {
  if (error instanceof ApiError) return error.status === 0 || error.status >= 500
  return error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')
}

// The names people know the services' common fields by (a refusal's reason names no field).
const FIELD_NAMES: Record<string, string> = {
  year: '年度', quarter: '季度', half: '半年', period: '期间', page: '页码', page_size: '每页条数',
  county: '县（区）', division_code: '区划代码', village_code: '村（社区）代码', advisor_id: '顾问编号',
  unit_id: '单位编号', kind: '类型', status: '状态', from: '起始日期', to: '截止日期', day: '日期',
  as_of: '截至日期', q: '搜索内容', format: '格式', division: '行政区划', token: '身份令牌',
}

/** A field path of a refusal as people read it: its known name, else its own last part. */
export function fieldName(path: string): string {
  const field = fieldOf(path)
  return FIELD_NAMES[field] ?? field
}

/** The form field an error's path names: its last part that is no list index (`changes.summary` →
 * `summary`; `co_organisers.1` → `co_organisers`, shown at the list's field). Before, an item of a
 * list was put under a field named "1" that no form has: nothing showed beside 协办单位. */
export function fieldOf(path: string): string {
  return path.split('.').filter((part) => !/^\d+$/.test(part)).pop() ?? ''
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  query?: Record<string, string | number | boolean | undefined | null>
  body?: unknown
  /** Sent as Idempotency-Key: use newIdempotencyKey() once per user action and reuse it on retry. */
  idempotencyKey?: string
  signal?: AbortSignal
}

export function apiUrl(service: Service, path: string, query?: RequestOptions['query']): string {
  const url = new URL(`/api/${service}${path.startsWith('/') ? path : `/${path}`}`, window.location.origin)
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value))
  }
  return url.pathname + url.search
}

/** Authorization (when signed in) plus the given headers. */
export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extra }
  if (session.token) headers.Authorization = `Bearer ${session.token}`
  return headers
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: ErrorBody
  try {
    body = (await response.json()) as ErrorBody
    if (typeof body?.code !== 'string') throw new Error('not an error body')
  } catch {
    body = {
      code: 'request_refused',
      message: response.status >= 500 ? '服务暂时不可用，请稍后重试' : `请求未成功（${response.status}）`,
      field: null,
      errors: [],
      correlation_id: response.headers.get('x-correlation-id'),
    }
  }
  return new ApiError(response.status, body)
}

/** Call a service; resolves with the parsed JSON, rejects with ApiError. A 401 signs the person out
 * and opens the sign-in page. */
export async function api<T>(service: Service, path: string, options: RequestOptions = {}): Promise<T> {
  const extra: Record<string, string> = {}
  if (options.body !== undefined) extra['Content-Type'] = 'application/json'
  if (options.idempotencyKey) extra['Idempotency-Key'] = options.idempotencyKey
  let response: Response
  try {
    response = await fetch(apiUrl(service, path, options.query), {
      method: options.method ?? (options.body !== undefined ? 'POST' : 'GET'),
      headers: authHeaders(extra),
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: options.signal,
    })
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    throw new ApiError(0, {
      code: 'network_error',
      message: '网络连接失败，请检查网络后重试',
      field: null,
      errors: [],
      correlation_id: null,
    })
  }
  if (!response.ok) {
    const error = await errorOf(response)
    if (response.status === 401) {
      // expired or refused token: back to sign-in, then to this page again
      signOut()
      const here = window.location.pathname + window.location.search
      window.location.replace(`/signin?next=${encodeURIComponent(here)}`)
    }
    throw error
  }
  if (response.status === 204) return undefined as T
  return (await response.json()) as T
}

/** A fresh Idempotency-Key for one user action (keep it for that action's retries). */
export function newIdempotencyKey(): string {
  // randomUUID needs a secure context; a county LAN served over plain http is not one
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return `web:${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
}

/** One page of a paginated list (eventkit.paging). */
export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}
