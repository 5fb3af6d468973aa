/** Request and response helpers shared by every function. No Deno globals: vitest runs them too. */
import { preflightResponse, withCors } from './cors.ts'
import { errorResponse, UserError } from './errors.ts'

export type RequestHandler = (request: Request) => Response | Promise<Response>

export function jsonResponse(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return Response.json(body, { status, headers })
}

/** Rejects methods the function does not serve with a 405 that names the allowed ones. */
export function requireMethod(request: Request, allowed: readonly string[]): void {
  if (!allowed.includes(request.method)) {
    throw new UserError(405, 'method_not_allowed', `Use ${allowed.join(' or ')}.`)
  }
}

/** The request's JSON body; a body that is not JSON is the caller's mistake (400, pt-BR). */
export async function readJsonBody(request: Request): Promise<unknown> {
  try {
    return await request.json()
  }
  catch {
    throw new UserError(400, 'invalid_json', 'O corpo da requisição deve ser JSON.')
  }
}

/** The token of an `Authorization: Bearer <token>` header, if there is one. */
export function bearerToken(request: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('Authorization') ?? '')
  return match?.[1]
}

/**
 * Wraps a function's handler with what every function needs: the CORS preflight, CORS headers on every
 * answer, and the error model (user errors as they are, anything else logged and returned as a 500).
 */
export function createHandler(functionName: string, handler: RequestHandler): RequestHandler {
  return async (request) => {
    const preflight = preflightResponse(request)
    if (preflight) return preflight
    try {
      return withCors(await handler(request))
    }
    catch (error) {
      return withCors(errorResponse(error, { functionName, request }))
    }
  }
}
