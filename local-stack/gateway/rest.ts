/** /rest/v1 → the real PostgREST, streaming both ways. Role and claims come from the JWT, as on Supabase. */
import { request } from 'node:http'
import type { GatewayContext, GatewayService } from './context.ts'
import { CORS_HEADERS, sendJson } from './http.ts'

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host'])

export function createRestService(ctx: GatewayContext): GatewayService {
  return {
    handle: async (req, res, path, query) => {
      const headers: Record<string, string | string[]> = {}
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value
      }
      const search = query.toString()
      await new Promise<void>((resolve) => {
        const upstream = request({
          host: '127.0.0.1',
          port: ctx.ports.postgrest,
          method: req.method,
          path: `${path || '/'}${search ? `?${search}` : ''}`,
          headers,
        }, (upstreamRes) => {
          const responseHeaders: Record<string, string | string[]> = { ...CORS_HEADERS }
          for (const [name, value] of Object.entries(upstreamRes.headers)) {
            if (value !== undefined && !HOP_BY_HOP.has(name)) responseHeaders[name] = value
          }
          res.writeHead(upstreamRes.statusCode ?? 502, responseHeaders)
          upstreamRes.pipe(res)
          upstreamRes.on('end', resolve)
        })
        upstream.on('error', (error) => {
          // Not 503/520: postgrest-js retries those, which would hide an outage behind delays.
          if (!res.headersSent) sendJson(res, 502, { code: 'PGRST000', message: `PostgREST unavailable: ${error.message}`, details: null, hint: null })
          resolve()
        })
        req.pipe(upstream)
      })
    },
  }
}
