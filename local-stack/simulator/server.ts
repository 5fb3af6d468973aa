/**
 * The simulator's HTTP server: `/evolution/*` (fake Evolution API), `/graph/*` (fake Graph API),
 * `/api/*` (control API) and the customer phone page at `/`. Every provider request and every control
 * change is written to the request log.
 */
import { createServer, type Server } from 'node:http'
import type { ControlApi } from './control-api.ts'
import { type SimRequest, createSimRequest, sendJsonBody } from './http.ts'
import type { PageAssets } from './page.ts'
import { summarizeForLog } from './runtime.ts'
import type { Simulator } from './simulator.ts'
import type { LogEntry } from './types.ts'

type Area = 'evolution' | 'cloud' | 'control' | 'page'

function areaOf(pathname: string): { area: Area, path: string } {
  const match = /^\/(evolution|graph|api)(\/.*)?$/.exec(pathname)
  if (!match) return { area: 'page', path: pathname }
  const area = match[1] === 'graph' ? 'cloud' : match[1] === 'api' ? 'control' : 'evolution'
  return { area, path: match[2] ?? '/' }
}

export function createSimulatorServer(simulator: Simulator, control: ControlApi, page: PageAssets): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator')
    const { area, path } = areaOf(url.pathname)
    const request = createSimRequest(req, res, url, path)
    const started = Date.now()
    const logged = area === 'evolution' || area === 'cloud' || (area === 'control' && request.method !== 'GET')
    if (logged) res.once('close', () => void logRequest(simulator, request, area, started))
    handle(simulator, control, page, request, area).catch((error: unknown) => {
      simulator.ctx.options.log(`[simulador] ${request.method} ${url.pathname} falhou: ${(error as Error).stack ?? error}`)
      if (!res.headersSent) sendJsonBody(res, 500, { error: 'Erro inesperado no simulador.' })
      else res.end()
    })
  })
}

async function handle(simulator: Simulator, control: ControlApi, page: PageAssets, request: SimRequest, area: Area): Promise<void> {
  switch (area) {
    case 'evolution':
      return simulator.evolutionApi.handle(request)
    case 'cloud':
      return simulator.graphApi.handle(request)
    case 'control':
      return control.handle(request)
    case 'page':
      return servePage(page, request)
  }
}

function servePage(page: PageAssets, request: SimRequest): void {
  const avatar = /^\/avatar\/(\d{5,20})\.svg$/.exec(request.path)
  if (avatar && request.method === 'GET') {
    request.res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' })
    request.res.end(avatarSvg(avatar[1]!))
    return
  }
  const assets: Record<string, [string, string]> = {
    '/': ['text/html; charset=utf-8', page.html],
    '/index.html': ['text/html; charset=utf-8', page.html],
    '/app.css': ['text/css; charset=utf-8', page.css],
    '/app.js': ['text/javascript; charset=utf-8', page.js],
  }
  const asset = assets[request.path]
  if (!asset || request.method !== 'GET') {
    sendJsonBody(request.res, 404, { error: 'Página não encontrada no simulador.' })
    return
  }
  request.res.writeHead(200, { 'content-type': asset[0], 'cache-control': 'no-cache' })
  request.res.end(asset[1])
}

async function logRequest(simulator: Simulator, request: SimRequest, area: Area, started: number): Promise<void> {
  let body: unknown
  try {
    const raw = await (request.bodyIfRead() ?? Promise.resolve(Buffer.alloc(0)))
    const type = request.req.headers['content-type'] ?? ''
    if (raw.length > 0) body = type.includes('json') ? summarizeForLog(JSON.parse(raw.toString('utf8'))) : `(${raw.length} bytes, ${type})`
  }
  catch {
    body = '(corpo ilegível)'
  }
  const entry: Omit<LogEntry, 'seq' | 'at'> = {
    kind: 'request',
    provider: area === 'page' ? 'page' : area,
    target: request.target ?? null,
    method: request.method,
    url: `${request.url.pathname}${request.url.search}`,
    status: request.res.headersSent ? request.res.statusCode : null,
    error: request.res.headersSent ? null : 'conexão encerrada sem resposta',
    durationMs: Date.now() - started,
    body,
  }
  simulator.ctx.log.add(entry)
}

/** The profile picture Evolution reports for a connected number (`profilePictureUrl`): a coloured disc with the last digits. */
function avatarSvg(digits: string): string {
  const hue = [...digits].reduce((sum, digit) => sum * 7 + Number(digit), 0) % 360
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><circle cx="48" cy="48" r="48" fill="hsl(${hue} 45% 45%)"/>`
    + `<text x="48" y="58" font-family="sans-serif" font-size="28" fill="#fff" text-anchor="middle">${digits.slice(-2)}</text></svg>`
}
