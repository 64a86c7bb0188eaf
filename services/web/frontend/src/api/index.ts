export { api, apiUrl, authHeaders, fieldName, fieldOf, newIdempotencyKey, refusalText, unanswered, ApiError } from './client'
export type { ErrorBody, FieldError, Page, RequestOptions, Service } from './client'
export { subscribe } from './events'
export type { Subscription } from './events'
