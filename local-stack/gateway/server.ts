/**
 * The gateway: one port for every Supabase service, like Kong in the Supabase CLI.
 * Routes /auth/v1, /rest/v1, /realtime/v1, /storage/v1 and /functions/v1; handles CORS; checks the
 * `apikey` where Kong would (auth, rest, realtime) and maps opaque sb_ keys to their JWTs.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { GatewayContext, GatewayService } from './context.ts'
import { CORS_HEADERS, HttpError, sendEmpty, sendJson } from './http.ts'

export interface GatewayServices {
  auth: GatewayService
  rest: GatewayService
  realtime: GatewayService
  storage: GatewayService
  functions: GatewayService
}

/** Routes that Kong leaves open (no apikey): the JWKS, health, and functions/storage, which check JWTs themselves. */
const KEY_FREE_PATHS = [/^\/auth\/v1\/\.well-known\/jwks\.json$/, /^\/auth\/v1\/health$/]

function routeOf(pathname: string): { service: keyof GatewayServices, rest: string } | undefined {
  const match = /^\/(auth|rest|realtime|storage|functions)\/v1(\/.*)?$/.exec(pathname)
  if (!match) return undefined
  return { service: match[1] as keyof GatewayServices, rest: match[2] ?? '' }
}

/**
 * Applies Kong's key handling in place. Returns an error message when the key is required and invalid.
 */
function applyApiKey(ctx: GatewayContext, req: IncomingMessage, query: URLSearchParams, keyRequired: boolean): string | undefined {
  const headerKey = req.headers.apikey
  const apikey = (Array.isArray(headerKey) ? headerKey[0] : headerKey) ?? query.get('apikey') ?? undefined
  const authorization = req.headers.authorization
  const bearer = authorization?.replace(/^Bearer\s+/i, '')

  if (!apikey) {
    if (!keyRequired) return undefined
    return 'No API key found in request'
  }
  const resolved = ctx.keys.resolveApiKey(apikey)
  if (!resolved) return keyRequired ? 'Invalid API key' : undefined
  if (!authorization || bearer?.startsWith('sb_')) {
    req.headers.authorization = `Bearer ${resolved}`
  }
  return undefined
}

export function createGatewayServer(ctx: GatewayContext, services: GatewayServices): Server {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway')
    if (req.method === 'OPTIONS' && !url.pathname.startsWith('/functions/v1')) {
      // Functions answer their own preflight (as on Supabase); everything else is answered here.
      sendEmpty(res, 200)
      return
    }
    if (url.pathname === '/' || url.pathname === '/health') {
      sendJson(res, 200, { name: 'atende-local-stack', status: 'ok' })
      return
    }
    const route = routeOf(url.pathname)
    if (!route) {
      sendJson(res, 404, { message: 'no Route matched with those values' })
      return
    }
    const keyRequired = ['auth', 'rest', 'realtime'].includes(route.service)
      && !KEY_FREE_PATHS.some(pattern => pattern.test(url.pathname))
    const keyError = applyApiKey(ctx, req, url.searchParams, keyRequired)
    if (keyError) {
      sendJson(res, 401, { message: keyError, hint: 'Pass the anon or service_role key in the apikey header.' })
      return
    }
    try {
      await services[route.service].handle(req, res, route.rest, url.searchParams)
    }
    catch (error) {
      if (res.headersSent) {
        res.end()
        return
      }
      if (error instanceof HttpError) {
        sendJson(res, error.status, { code: error.code, message: error.message })
        return
      }
      ctx.log(`[gateway] ${req.method} ${url.pathname} failed: ${(error as Error).stack ?? error}`)
      sendJson(res, 500, { code: 'unexpected_failure', message: 'Unexpected gateway error' })
    }
  })

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://gateway')
    const route = routeOf(url.pathname)
    const service = route ? services[route.service] : undefined
    if (!route || !service?.upgrade) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n')
      return
    }
    const keyError = applyApiKey(ctx, req, url.searchParams, true)
    if (keyError) {
      socket.end(`HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n\r\n${JSON.stringify({ message: keyError })}`)
      return
    }
    service.upgrade(req, socket, head, route.rest, url.searchParams)
  })

  server.keepAliveTimeout = 65_000
  return server
}

export { CORS_HEADERS }
