/** PLACEHOLDER: replaced by the auth service implementation. */
import type { GatewayContext, GatewayService } from './context.ts'
import { sendJson } from './http.ts'

export function createAuthService(_ctx: GatewayContext): GatewayService {
  return { handle: async (_req, res) => sendJson(res, 501, { message: 'auth not implemented yet' }) }
}
