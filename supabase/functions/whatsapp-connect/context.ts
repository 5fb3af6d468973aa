/** What every action gets, and the one way a provider failure becomes the admin's error. */
import { UserError } from '../_shared/errors.ts'
import type { FetchLike } from '../_shared/provider-http.ts'
import type { AdminFailure } from '../_shared/providers/evolution-instance.ts'
import type { ChannelRecord, ConnectStore } from './store.ts'

export interface ActionContext {
  store: ConnectStore
  channel: ChannelRecord
  /** The project URL the providers post webhooks to. */
  supabaseUrl: string
  now: () => Date
  fetch?: FetchLike
  /** Per provider call; the provider modules' defaults otherwise. */
  timeoutMs?: number
}

/** The provider's failure as the caller's error, with what the provider said for support. */
export function failureError(failure: AdminFailure): UserError {
  return new UserError(failure.status, failure.code, failure.reason, {
    provider_status: failure.httpStatus,
    provider_message: failure.providerMessage,
  })
}

/** Actions that need credentials saved by a setup first (`field`: the one to fill in). */
export function notConfigured(message: string, field?: string): UserError {
  return new UserError(400, 'not_configured', message, field ? { field } : undefined)
}
