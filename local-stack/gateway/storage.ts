/** PLACEHOLDER: replaced by the storage service implementation. */
import type { GatewayContext, GatewayService } from './context.ts'
import { sendJson } from './http.ts'

export function createStorageService(_ctx: GatewayContext): GatewayService {
  return { handle: async (_req, res) => sendJson(res, 501, { message: 'storage not implemented yet' }) }
}
