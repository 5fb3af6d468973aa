/**
 * The functions' one error model. A `UserError` is a failure the caller can act on: its status, code and
 * message are safe to return as they are. Anything else is unexpected: it is logged with context and the
 * caller gets a generic 500 with an id to quote, never the internal message.
 */

export interface ErrorBody {
  code: string
  message: string
  details?: unknown
  error_id?: string
}

export class UserError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'UserError'
  }
}

/** Turns any thrown value into the response the caller sees; logs the unexpected ones. */
export function errorResponse(error: unknown, context: { functionName: string, request?: Request }): Response {
  if (error instanceof UserError) {
    const body: ErrorBody = { code: error.code, message: error.message }
    if (error.details !== undefined) body.details = error.details
    return Response.json(body, { status: error.status })
  }
  const errorId = crypto.randomUUID()
  const where = context.request ? `${context.request.method} ${new URL(context.request.url).pathname}` : ''
  console.error(`[${context.functionName}] unexpected error ${errorId} ${where}`.trimEnd(), error)
  const body: ErrorBody = { code: 'internal_error', message: 'An unexpected error occurred.', error_id: errorId }
  return Response.json(body, { status: 500 })
}
