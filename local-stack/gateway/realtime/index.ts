/** PLACEHOLDER: replaced by the realtime service implementation. */
import type { GatewayContext, GatewayService } from '../context.ts'
import { sendJson } from '../http.ts'

export function createRealtimeService(_ctx: GatewayContext): GatewayService {
  return { handle: async (_req, res) => sendJson(res, 501, { message: 'realtime not implemented yet' }) }
}
