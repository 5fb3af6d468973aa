/** Graph API errors: `{ error: { message, type, code, error_subcode?, error_data?, fbtrace_id } }`. */
import { fbtraceId } from '../ids.ts'

export class GraphError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: number,
    readonly type = 'OAuthException',
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
  }

  body(): Record<string, unknown> {
    return { error: { message: this.message, type: this.type, code: this.code, ...this.extra, fbtrace_id: fbtraceId() } }
  }
}

export const missingToken = () => new GraphError(400, 'An active access token must be used to query information about the current user.', 2500)
export const invalidToken = () => new GraphError(401, 'Invalid OAuth access token - Cannot parse access token', 190)

/** An id that does not exist, or that this token may not see: Graph does not tell which. */
export function unknownObject(method: 'get' | 'post' | 'delete', id: string): GraphError {
  return new GraphError(
    400,
    `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    100,
    'GraphMethodException',
    { error_subcode: 33 },
  )
}

export function invalidParameter(details: string): GraphError {
  return new GraphError(400, '(#100) Invalid parameter', 100, 'OAuthException', { error_data: { messaging_product: 'whatsapp', details } })
}

export const unknownPath = (path: string) => new GraphError(400, `Unknown path components: ${path}`, 2500)
