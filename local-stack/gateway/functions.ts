/** PLACEHOLDER: replaced by the functions service implementation. */
import type { GatewayContext, GatewayService } from './context.ts'
import { sendJson } from './http.ts'

export function createFunctionsService(_ctx: GatewayContext): GatewayService {
  return { handle: async (_req, res) => sendJson(res, 501, { message: 'functions not implemented yet' }) }
}
