/**
 * GoTrue's error model (supabase/auth internal/api/errors.go, apierrors/apierrors.go).
 *
 * A request that sends `X-Supabase-Api-Version` >= 2024-01-01 (supabase-js always does) gets
 * `{code, message}` and the version echoed back; auth-js reads `code` only when that header is in the
 * response. Older clients get `{code: <status>, error_code, msg}`. Both carry `x-sb-error-code`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { HttpError, headerValue, sendJson } from '../http.ts'

const API_VERSION_HEADER = 'x-supabase-api-version'
const API_VERSION_2024_01_01 = Date.UTC(2024, 0, 1)
const API_VERSION_PATTERN = /^2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/

export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra top-level fields, e.g. `weak_password: {reasons}`. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

/** An OAuth-style error (`{error, error_description}`), which GoTrue uses for a few token-endpoint cases. */
export class OAuthError extends Error {
  constructor(readonly error: string, readonly description: string) {
    super(description)
  }
}

export const badRequest = (code: string, message: string) => new AuthError(400, code, message)
export const forbidden = (code: string, message: string) => new AuthError(403, code, message)
export const notFound = (code: string, message: string) => new AuthError(404, code, message)
export const unprocessable = (code: string, message: string) => new AuthError(422, code, message)
export const internalError = (message: string) => new AuthError(500, 'unexpected_failure', message)

/** The API version the client asked for, when it is one GoTrue knows (only 2024-01-01 exists). */
function requestedApiVersion(req: IncomingMessage): string | undefined {
  const value = headerValue(req, API_VERSION_HEADER)?.trim()
  if (!value || !API_VERSION_PATTERN.test(value)) return undefined
  return Date.parse(`${value}T00:00:00Z`) >= API_VERSION_2024_01_01 ? '2024-01-01' : undefined
}

function toAuthError(error: unknown): AuthError | OAuthError | undefined {
  if (error instanceof AuthError || error instanceof OAuthError) return error
  // Errors thrown by the shared HTTP helpers (bad JSON, body too large).
  if (error instanceof HttpError) return new AuthError(error.status, error.code, error.message)
  return undefined
}

/** Sends `error` in GoTrue's shape. Returns false when it is not an expected error (the caller logs it). */
export function sendAuthError(req: IncomingMessage, res: ServerResponse, error: unknown): boolean {
  const known = toAuthError(error)
  const version = requestedApiVersion(req)
  const headers: Record<string, string> = version ? { [API_VERSION_HEADER]: version } : {}
  if (known instanceof OAuthError) {
    sendJson(res, 400, { error: known.error, error_description: known.description }, headers)
    return true
  }
  const authError = known ?? internalError('Unexpected error')
  headers['x-sb-error-code'] = authError.code
  const body = version
    ? { code: authError.code, message: authError.message, ...authError.extra }
    : { code: authError.status, error_code: authError.code, msg: authError.message, ...authError.extra }
  sendJson(res, authError.status, body, headers)
  return known !== undefined
}
