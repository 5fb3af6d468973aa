/**
 * The WhatsApp simulator from the tests: a typed client of its control API (`simulator()`), a local
 * webhook receiver to point instances and numbers at, and a shape comparison for payloads against the
 * shared fixtures. Tests share one simulator, so each uses its own instance names, phone number ids and
 * customer phones, and scopes its faults to its own target.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SIMULATOR_EVOLUTION_API_KEY } from '../../local-stack/config.ts'
import type {
  ChatMessageView,
  CloudNumberView,
  ConversationView,
  CustomerSendInput,
  CustomerSendResult,
  Faults,
  FaultsView,
  InstanceView,
  LogEntry,
  SimulatorStateView,
  VerificationResult,
} from '../../local-stack/simulator/types.ts'
import { getStack } from './stack.ts'

export class SimulatorApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(`simulator ${status}: ${message}`)
  }
}

export interface RegisterInstanceInput {
  name: string
  token?: string
  state?: 'open' | 'close'
  ownNumber?: string
  profileName?: string
  webhook?: { url: string, headers?: Record<string, string>, events?: string[], byEvents?: boolean, base64?: boolean, enabled?: boolean }
  qrIntervalMs?: number
  qrLimit?: number
}

export interface RegisterNumberInput {
  phoneNumberId: string
  displayPhoneNumber: string
  verifiedName?: string
  wabaId: string
  accessToken: string
  appSecret: string
  verifyToken: string
  webhookUrl: string
  skipVerification?: boolean
}

export type SimulatorClient = ReturnType<typeof simulator>

/** The control API of the stack's simulator (or of `url`). */
export function simulator(url = getStack().simulatorUrl) {
  if (!url) throw new Error('No WhatsApp simulator: the local stack starts one (set SIMULATOR_URL for an external Supabase).')
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${url}/api${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const payload = await response.json().catch(() => null) as { error?: string } | null
    if (!response.ok) throw new SimulatorApiError(response.status, payload?.error ?? response.statusText)
    return payload as T
  }
  const chat = (target: string, phone: string) => `/conversations/${encodeURIComponent(target)}/${encodeURIComponent(phone)}`
  const faultsPath = (target?: string) => (target ? `/faults/${encodeURIComponent(target)}` : '/faults')
  return {
    url,
    evolutionUrl: `${url}/evolution`,
    graphUrl: `${url}/graph`,
    evolutionApiKey: SIMULATOR_EVOLUTION_API_KEY,
    state: () => call<SimulatorStateView>('GET', '/state'),
    instance: (name: string) => call<InstanceView>('GET', `/evolution/instances/${encodeURIComponent(name)}`),
    /** The instance, or null when it does not exist (e.g. after `DELETE /instance/delete`). */
    findInstance: async (name: string) => {
      try {
        return await call<InstanceView>('GET', `/evolution/instances/${encodeURIComponent(name)}`)
      }
      catch (error) {
        if (error instanceof SimulatorApiError && error.status === 404) return null
        throw error
      }
    },
    registerInstance: (input: RegisterInstanceInput) => call<InstanceView>('POST', '/evolution/instances', input),
    configureInstance: (name: string, settings: { qrIntervalMs?: number, qrLimit?: number }) =>
      call<InstanceView>('PATCH', `/evolution/instances/${encodeURIComponent(name)}`, settings),
    /** A phone scans the instance's QR code: the session opens as that number. */
    scan: (name: string, scanner: { phone: string, profileName?: string }) =>
      call<InstanceView>('POST', `/evolution/instances/${encodeURIComponent(name)}/scan`, scanner),
    /** The phone unlinks the device: `connection.update` close with 401. */
    disconnect: (name: string) => call<InstanceView>('POST', `/evolution/instances/${encodeURIComponent(name)}/disconnect`, {}),
    registerNumber: (input: RegisterNumberInput) => call<{ number: CloudNumberView, verification: VerificationResult | null }>('POST', '/cloud/numbers', input),
    number: (id: string) => call<CloudNumberView>('GET', `/cloud/numbers/${encodeURIComponent(id)}`),
    verifyNumber: (id: string) => call<{ verification: VerificationResult }>('POST', `/cloud/numbers/${encodeURIComponent(id)}/verify`, {}),
    removeNumber: (id: string) => call<{ removed: string }>('DELETE', `/cloud/numbers/${encodeURIComponent(id)}`),
    conversation: (target: string, phone: string) => call<ConversationView>('GET', chat(target, phone)),
    /** What the business sent this customer, oldest first. */
    inbox: (target: string, phone: string) => call<ChatMessageView[]>('GET', `${chat(target, phone)}/inbox`),
    /** The customer sends from their phone; the provider's webhook goes to Atende. */
    customerSends: (target: string, phone: string, input: CustomerSendInput) => call<CustomerSendResult>('POST', `${chat(target, phone)}/messages`, input),
    markRead: async (target: string, phone: string, messageIds?: string[]) =>
      (await call<{ read: number }>('POST', `${chat(target, phone)}/read`, messageIds ? { messageIds } : {})).read,
    markPlayed: (target: string, phone: string, messageId: string) => call<unknown>('POST', `${chat(target, phone)}/messages/${encodeURIComponent(messageId)}/played`, {}),
    media: async (id: string) => {
      const response = await fetch(`${url}/api/media/${encodeURIComponent(id)}`)
      if (!response.ok) throw new SimulatorApiError(response.status, 'media not found')
      return { bytes: Buffer.from(await response.arrayBuffer()), mimeType: response.headers.get('content-type') ?? '' }
    },
    faults: () => call<FaultsView>('GET', '/faults'),
    /** Global faults, or only for `target` (an instance name or phone number id) — prefer the latter in tests. */
    setFaults: (patch: Partial<Faults>, target?: string) => call<Faults>('PATCH', faultsPath(target), patch),
    clearFaults: (target?: string) => call<FaultsView>('DELETE', faultsPath(target)),
    flushWebhooks: async () => (await call<{ released: number }>('POST', '/faults/flush', {})).released,
    log: (filter: { since?: number, kind?: 'request' | 'webhook', provider?: string, target?: string, limit?: number } = {}) => {
      const query = new URLSearchParams(Object.entries(filter).filter(([, value]) => value !== undefined).map(([key, value]) => [key, String(value)]))
      return call<LogEntry[]>('GET', `/log?${query}`)
    },
    /** Forgets everything — other test files share this simulator, so only for the page or a private one. */
    reset: () => call<{ reset: boolean }>('POST', '/reset', {}),
  }
}

export interface ReceivedWebhook {
  method: string
  /** Path and query. */
  url: string
  headers: IncomingHttpHeaders
  /** The exact bytes received (signatures are computed over them). */
  raw: string
  /** Parsed JSON, or null. */
  body: Record<string, unknown> | null
  at: number
}

export interface WebhookReceiver {
  url: string
  received: ReceivedWebhook[]
  /** Answer with this status (and body) instead of 200, e.g. to make the simulator retry. */
  respondWith: (answer: ((request: ReceivedWebhook) => { status: number, body?: string } | undefined) | null) => void
  close: () => Promise<void>
}

/** A local HTTP server that records every request (the tests' webhook target). GETs echo `hub.challenge`. */
export async function startWebhookReceiver(options: { verifyToken?: string } = {}): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = []
  let answer: ((request: ReceivedWebhook) => { status: number, body?: string } | undefined) | null = null
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', chunk => chunks.push(chunk as Buffer))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const body = parseJson(raw)
      const request: ReceivedWebhook = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, raw, body, at: Date.now() }
      received.push(request)
      const custom = answer?.(request)
      if (custom) {
        res.writeHead(custom.status).end(custom.body ?? '')
        return
      }
      if (request.method === 'GET') {
        // Meta's verification handshake: echo the challenge when the token matches.
        const params = new URL(request.url, 'http://receiver').searchParams
        const ok = params.get('hub.mode') === 'subscribe' && (!options.verifyToken || params.get('hub.verify_token') === options.verifyToken)
        res.writeHead(ok ? 200 : 403).end(ok ? params.get('hub.challenge') ?? '' : 'forbidden')
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    respondWith: (next) => {
      answer = next
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

function parseJson(raw: string): Record<string, unknown> | null {
  try {
    return raw ? JSON.parse(raw) as Record<string, unknown> : null
  }
  catch {
    return null
  }
}

type Shape = string | { [key: string]: Shape } | Shape[]

/**
 * The structure of a JSON value: object keys (recursively), array element shapes, and the kind of each
 * leaf. Byte arrays serialized as index-keyed objects (`{"0":146,…}`) count as one `bytes` leaf, so a
 * fixture cut to a few bytes compares equal to a full-length field.
 */
export function shapeOf(value: unknown): Shape {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])]
  if (value === null) return 'null'
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
    if (entries.length > 0 && entries.every(([key, item]) => /^\d+$/.test(key) && typeof item === 'number')) return 'bytes'
    return Object.fromEntries(entries.map(([key, item]) => [key, shapeOf(item)]).sort(([a], [b]) => String(a).localeCompare(String(b))))
  }
  return typeof value
}

/**
 * Paths where `actual` differs in structure from `expected` (missing or extra keys, other kinds).
 * `freeForm` paths (e.g. `$.webhook.webhookHeaders`) hold caller-chosen keys: only their kind is compared.
 */
export function shapeDifferences(actual: unknown, expected: unknown, freeForm: string[] = []): string[] {
  return compareShapes(shapeOf(actual), shapeOf(expected), '$', new Set(freeForm))
}

function compareShapes(actual: Shape, expected: Shape, path: string, freeForm: Set<string>): string[] {
  if (freeForm.has(path)) return describe(actual) === describe(expected) ? [] : [`${path}: ${describe(actual)} instead of ${describe(expected)}`]
  if (typeof expected === 'string' || typeof actual === 'string') {
    return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [`${path}: ${describe(actual)} instead of ${describe(expected)}`]
  }
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return [`${path}: ${describe(actual)} instead of ${describe(expected)}`]
    if (expected.length === 0 || actual.length === 0) return []
    return compareShapes(actual[0]!, expected[0]!, `${path}[0]`, freeForm)
  }
  const differences: string[] = []
  for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    if (!(key in actual)) differences.push(`${path}.${key}: missing`)
    else if (!(key in expected)) differences.push(`${path}.${key}: not in the fixture`)
    else differences.push(...compareShapes(actual[key]!, expected[key]!, `${path}.${key}`, freeForm))
  }
  return differences
}

function describe(shape: Shape): string {
  return typeof shape === 'string' ? shape : Array.isArray(shape) ? 'array' : 'object'
}
