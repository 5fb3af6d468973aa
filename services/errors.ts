/**
 * The one error model of the data layer. The database functions refuse with a stable snake_case
 * `message` (`classification_required`, `last_admin`…) and a pt-BR `details` written for people;
 * `RpcError` keeps both, so the UI shows the server's sentence and code can still branch on the reason.
 * Edge functions answer `{ code, message }` with the same split (`invokeFunction`, `FunctionCallError`).
 */
import type { PostgrestError } from '@supabase/supabase-js'
import { ACTION_ERROR_LABELS } from '~/constants/ticket-events'
import type { AppSupabaseClient } from '~/types/supabase'
import { DataRequestError } from '~/utils/errors'

export class RpcError extends DataRequestError {
  constructor(
    /** The stable reason code (`ticket_closed`), or PostgREST's own message. */
    readonly reason: string,
    code: string,
    status: number,
    /** Already in pt-BR, for people; null when the server did not send one. */
    readonly detail: string | null,
    /** A pt-BR suggestion (e.g. which ticket to open instead). */
    readonly hint: string | null,
    /** The form field the refusal is about (`hint` = `field=<name>` from the SQL), e.g. `business_hours`. */
    readonly field: string | null = null,
  ) {
    super(reason, code, status)
    this.name = 'RpcError'
  }
}

export function rpcError(error: PostgrestError, status: number): RpcError {
  // Only the functions' own refusals carry a pt-BR detail: rule refusals (P0001) and `not_allowed`
  // (42501). A network failure puts a stack trace in `details`, and PostgREST's errors are English.
  const ours = error.code === 'P0001' || (error.code === '42501' && error.message === 'not_allowed')
  const text = (value: unknown) => (ours && typeof value === 'string' && value.trim() ? value.trim() : null)
  const detail = text(error.details)
  const hint = text(error.hint)
  const field = hint?.startsWith('field=') ? hint.slice('field='.length) : null
  return new RpcError(error.message, error.code ?? '', status, detail, field === null ? hint : null, field)
}

/** What to tell the person about a failed request, in pt-BR. */
export function errorText(error: unknown): string {
  if (error instanceof RpcError && error.detail) return error.detail
  if (error instanceof FunctionCallError && error.errorId) return `${ACTION_ERROR_LABELS.unknown} (código ${error.errorId})`
  if (error instanceof DataRequestError) {
    if (error.status === 0) return ACTION_ERROR_LABELS.network
    if (error.code === '42501' || error.status === 403) return ACTION_ERROR_LABELS.notAllowed
  }
  if (error instanceof TypeError) return ACTION_ERROR_LABELS.network
  return ACTION_ERROR_LABELS.unknown
}

/**
 * An edge function's refusal: `{ code, message }` with a pt-BR `message` for 4xx answers (our functions'
 * UserError). A 500 carries only an `error_id` to quote; its message is not for people.
 */
export class FunctionCallError extends RpcError {
  constructor(reason: string, status: number, detail: string | null, readonly errorId: string | null, readonly details: unknown) {
    super(reason, reason, status, detail, null)
    this.name = 'FunctionCallError'
  }
}

/**
 * Calls an edge function with a JSON body and returns its JSON answer; failures become a
 * `FunctionCallError` (answered) or a `DataRequestError` with status 0 (not reachable).
 */
export async function invokeFunction<T>(client: AppSupabaseClient, name: string, body: unknown): Promise<T> {
  const { data, error } = await client.functions.invoke(name, { method: 'POST', body: body as Record<string, unknown> })
  if (!error) return data as T
  const response = (error as { context?: unknown }).context
  if (!(response instanceof Response)) throw new DataRequestError(error.message, 'network', 0)
  const answer = await response.clone().json().catch(() => null) as { code?: unknown, message?: unknown, error_id?: unknown, details?: unknown } | null
  const code = typeof answer?.code === 'string' ? answer.code : `http_${response.status}`
  const message = typeof answer?.message === 'string' && response.status < 500 ? answer.message : null
  const errorId = typeof answer?.error_id === 'string' ? answer.error_id : null
  throw new FunctionCallError(code, response.status, message, errorId, answer?.details)
}
