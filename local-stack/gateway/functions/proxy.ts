/** The gateway's side of a function call: the request streamed to the Deno host, the answer streamed back. */
import { type Agent, type IncomingMessage, request, type ServerResponse } from 'node:http'
import { sendJson } from '../http.ts'

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'])

export function sendRelayError(res: ServerResponse, message: string): void {
  // x-relay-error makes functions-js report a FunctionsRelayError: the function itself never answered.
  sendJson(res, 502, { code: 'RELAY_ERROR', message }, { 'x-relay-error': 'true' })
}

function forwardedHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value
  }
  // The Host header stays the gateway's, so a function's request.url is the public URL, as on Supabase.
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? ''
  headers['x-forwarded-proto'] = 'http'
  return headers
}

/** Streams the request to the host and the answer back, both ways without buffering (SSE, uploads). */
export function proxyToHost(req: IncomingMessage, res: ServerResponse, port: number, agent: Agent, path: string): Promise<void> {
  const rawUrl = req.url ?? ''
  const search = rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?')) : ''
  return new Promise<void>((resolve) => {
    const upstream = request({ host: '127.0.0.1', port, method: req.method, path: `${path}${search}`, headers: forwardedHeaders(req), agent }, (upstreamRes) => {
      const headers: Record<string, string | string[]> = {}
      for (const [name, value] of Object.entries(upstreamRes.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value
      }
      res.writeHead(upstreamRes.statusCode ?? 502, headers)
      upstreamRes.pipe(res)
      upstreamRes.on('error', () => res.destroy())
    })
    upstream.on('error', (error) => {
      if (!res.headersSent) sendRelayError(res, `The functions host did not answer: ${error.message}`)
      else res.destroy()
      resolve()
    })
    // The client went away (or the answer is complete): stop the upstream request either way.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy()
      resolve()
    })
    req.pipe(upstream)
  })
}
