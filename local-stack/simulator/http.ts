/** Routing and request helpers for the simulator's one HTTP server (Node's http module, no framework). */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readBody } from '../gateway/http.ts'

export interface SimRequest {
  req: IncomingMessage
  res: ServerResponse
  method: string
  url: URL
  /** Path below the mount point (`/instance/create` for `/evolution/instance/create`). */
  path: string
  params: Record<string, string>
  /** The raw body, read once. */
  raw: () => Promise<Buffer>
  /** The body if a handler already read it (the log must not start reading a finished request). */
  bodyIfRead: () => Promise<Buffer> | undefined
  /** The body parsed as JSON; undefined when empty, SyntaxError when malformed. */
  json: () => Promise<unknown>
  /** Set by handlers so the request log can name the instance or number. */
  target?: string
}

export function createSimRequest(req: IncomingMessage, res: ServerResponse, url: URL, path: string): SimRequest {
  let body: Promise<Buffer> | undefined
  const raw = () => (body ??= readBody(req, 100 * 1024 * 1024))
  return {
    req,
    res,
    method: req.method ?? 'GET',
    url,
    path,
    params: {},
    raw,
    bodyIfRead: () => body,
    json: async () => {
      const bytes = await raw()
      if (bytes.length === 0) return undefined
      return JSON.parse(bytes.toString('utf8')) as unknown
    },
  }
}

/** What a handler returns is up to its API (the control API sends it as JSON; the providers answer themselves). */
export type Handler = (request: SimRequest) => unknown

interface Route {
  method: string
  segments: string[]
  handler: Handler
}

export class Router {
  private readonly routes: Route[] = []

  on(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: pattern.split('/').filter(Boolean), handler })
    return this
  }

  /** The handler for this method and path with its params, or the methods the path allows. */
  match(method: string, path: string): { handler: Handler, params: Record<string, string> } | { allowed: string[] } {
    const parts = path.split('/').filter(Boolean)
    const allowed: string[] = []
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts)
      if (!params) continue
      if (route.method === method) return { handler: route.handler, params }
      allowed.push(route.method)
    }
    return { allowed }
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null
  const params: Record<string, string> = {}
  for (const [index, segment] of pattern.entries()) {
    const part = parts[index]!
    if (segment.startsWith(':')) {
      try {
        params[segment.slice(1)] = decodeURIComponent(part)
      }
      catch {
        return null
      }
    }
    else if (segment !== part) {
      return null
    }
  }
  return params
}

export function sendJsonBody(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(text)
}

export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

/** A provider that is "down": the TCP connection is reset, the client sees a network error. */
export function dropConnection(request: SimRequest): void {
  request.res.socket?.destroy()
}

/**
 * A provider that never answers: the request hangs until the client gives up, or until `holdMs` when the
 * simulator drops it.
 */
export function holdWithoutAnswer(request: SimRequest, holdMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      request.res.socket?.destroy()
      resolve()
    }, holdMs)
    timer.unref()
    request.res.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}
