/**
 * The control API, `<simulator>/api/...` (JSON, no auth: it only listens on 127.0.0.1). It plays the
 * customers and the outside world for the tests and the customer phone page. `:target` is an Evolution
 * instance name or a Cloud API phone number id; `:phone` the customer's number (digits with country code).
 *
 *   GET    /api/state                                      everything below at once
 *   GET    /api/evolution/instances                        POST registers an existing instance (no webhooks)
 *   GET    /api/evolution/instances/:name                  PATCH { qrIntervalMs?, qrLimit? }
 *   POST   /api/evolution/instances/:name/scan             { phone, profileName? }: a phone scans the QR
 *   POST   /api/evolution/instances/:name/disconnect       the phone unlinks the device (close, 401)
 *   GET    /api/cloud/numbers                              POST registers a number (+ GET handshake)
 *   GET    /api/cloud/numbers/:id                          DELETE removes it
 *   POST   /api/cloud/numbers/:id/verify                   runs the handshake again
 *   GET    /api/conversations                              summaries
 *   GET    /api/conversations/:target/:phone               the whole chat
 *   GET    /api/conversations/:target/:phone/inbox         what the business sent this customer
 *   POST   /api/conversations/:target/:phone/messages      the customer sends (CustomerSendInput) → 201 { id, message }
 *   POST   /api/conversations/:target/:phone/read          { messageIds? }: read receipts → { read }
 *   POST   /api/conversations/:target/:phone/messages/:id/played   a voice note was played
 *   GET    /api/media/:id                                  the bytes of any stored file
 *   GET    /api/faults                                     PATCH/DELETE: global faults
 *   PATCH  /api/faults/:target                             DELETE: faults of one instance/number
 *   POST   /api/faults/flush                               releases reordered webhooks → { released }
 *   GET    /api/log?since=&kind=&provider=&target=&limit=  requests received and webhook attempts
 *   POST   /api/reset                                      forgets everything
 *   GET    /api/events                                     server-sent events (ChangeEvent) for the page
 */
import type { ServerResponse } from 'node:http'
import { targetKey } from './customers.ts'
import { type SimRequest, Router, sendJsonBody } from './http.ts'
import { InstanceStateError } from './evolution/instances.ts'
import { ControlError, type Simulator } from './simulator.ts'
import type { EvolutionWebhookConfig } from './types.ts'
import {
  type Json,
  InvalidInput,
  isObject,
  objectAt,
  oneOf,
  optionalIntegerAt,
  optionalObject,
  optionalStringAt,
  stringAt,
  stringRecordAt,
} from './validate.ts'

export class ControlApi {
  private readonly router = new Router()
  private readonly streams = new Set<ServerResponse>()

  constructor(private readonly simulator: Simulator) {
    const sim = simulator
    this.router
      .on('GET', '/state', () => sim.state())
      .on('GET', '/evolution/instances', () => sim.instances.list().map(instance => sim.instances.view(instance)))
      .on('POST', '/evolution/instances', async request => this.registerInstance(await request.json()))
      .on('GET', '/evolution/instances/:name', request => sim.instances.view(this.instance(request)))
      .on('PATCH', '/evolution/instances/:name', async request => this.configureInstance(request))
      .on('POST', '/evolution/instances/:name/scan', async request => this.scan(request))
      .on('POST', '/evolution/instances/:name/disconnect', request => this.disconnect(request))
      .on('GET', '/cloud/numbers', () => sim.numbers.list().map(number => sim.numbers.view(number)))
      .on('POST', '/cloud/numbers', async request => this.registerNumber(request))
      .on('GET', '/cloud/numbers/:id', request => sim.numbers.view(this.number(request)))
      .on('DELETE', '/cloud/numbers/:id', request => this.removeNumber(request))
      .on('POST', '/cloud/numbers/:id/verify', async request => ({ verification: await sim.numbers.verify(this.number(request)) }))
      .on('GET', '/conversations', () => sim.ctx.conversations.list().map(conversation => sim.ctx.conversations.summary(conversation)))
      .on('GET', '/conversations/:target/:phone', request => sim.ctx.conversations.view(sim.conversation(request.params.target!, request.params.phone!)))
      .on('GET', '/conversations/:target/:phone/inbox', request => this.inbox(request))
      .on('POST', '/conversations/:target/:phone/messages', async request => this.customerSend(request))
      .on('POST', '/conversations/:target/:phone/read', async request => this.read(request))
      .on('POST', '/conversations/:target/:phone/messages/:id/played', (request) => {
        sim.markPlayed(request.params.target!, request.params.phone!, request.params.id!)
        return { played: request.params.id }
      })
      .on('GET', '/media/:id', request => this.media(request))
      .on('GET', '/faults', () => sim.ctx.faults.view())
      .on('PATCH', '/faults', async request => this.setFaults(request, undefined))
      .on('DELETE', '/faults', () => this.clearFaults(undefined))
      .on('POST', '/faults/flush', () => ({ released: sim.ctx.webhooks.flushHeld() }))
      .on('PATCH', '/faults/:target', async request => this.setFaults(request, this.scope(request)))
      .on('DELETE', '/faults/:target', request => this.clearFaults(this.scope(request)))
      .on('GET', '/log', request => this.log(request))
      .on('POST', '/reset', () => {
        sim.reset()
        return { reset: true }
      })
      .on('GET', '/events', request => this.events(request))
  }

  async handle(request: SimRequest): Promise<void> {
    const match = this.router.match(request.method, request.path)
    if (!('handler' in match)) {
      const status = match.allowed.length > 0 ? 405 : 404
      sendJsonBody(request.res, status, { error: status === 405 ? `Use ${match.allowed.join(' ou ')} neste endereço.` : 'Rota desconhecida no simulador.' })
      return
    }
    request.params = match.params
    request.target = match.params.target ?? match.params.name ?? match.params.id
    try {
      const result = await match.handler(request)
      if (result === undefined || request.res.headersSent) return
      const [status, body] = Array.isArray(result) && result.length === 2 && typeof result[0] === 'number' ? result as [number, unknown] : [200, result]
      sendJsonBody(request.res, status, body)
    }
    catch (error) {
      if (error instanceof ControlError) sendJsonBody(request.res, error.status, { error: error.message })
      else if (error instanceof InvalidInput) sendJsonBody(request.res, 400, { error: error.message })
      else if (error instanceof InstanceStateError) sendJsonBody(request.res, 409, { error: error.message })
      else if (error instanceof SyntaxError) sendJsonBody(request.res, 400, { error: `JSON inválido: ${error.message}` })
      else throw error
    }
  }

  /** Ends the page's event streams (on stop). */
  closeStreams(): void {
    for (const stream of this.streams) stream.end()
    this.streams.clear()
  }

  private instance(request: SimRequest) {
    const instance = this.simulator.instances.get(request.params.name!)
    if (!instance) throw new ControlError(404, `A instância "${request.params.name}" não existe.`)
    return instance
  }

  private number(request: SimRequest) {
    const number = this.simulator.numbers.get(request.params.id!)
    if (!number) throw new ControlError(404, `O número ${request.params.id} não está registrado.`)
    return number
  }

  private scope(request: SimRequest): string {
    return targetKey(this.simulator.resolveTarget(request.params.target!))
  }

  private registerInstance(body: unknown): [number, unknown] {
    const input = objectAt(body, 'corpo')
    const name = stringAt(input, 'name')
    const state = input.state === undefined ? 'close' : oneOf(input.state, ['open', 'close'] as const, 'state')
    const ownNumber = optionalStringAt(input, 'ownNumber')
    if (state === 'open' && !ownNumber) throw new InvalidInput('ownNumber é obrigatório para uma instância conectada')
    const qrIntervalMs = optionalIntegerAt(input, 'qrIntervalMs', 50, 600_000)
    const qrLimit = optionalIntegerAt(input, 'qrLimit', 1, 1000)
    const instance = this.simulator.instances.register({
      name,
      token: optionalStringAt(input, 'token'),
      state,
      ownNumber,
      profileName: optionalStringAt(input, 'profileName'),
      webhook: parseWebhookInput(optionalObject(input.webhook, 'webhook')),
    })
    this.simulator.instances.configure(instance, { qrIntervalMs, qrLimit })
    return [201, this.simulator.instances.view(instance)]
  }

  private async configureInstance(request: SimRequest) {
    const instance = this.instance(request)
    const input = objectAt(await request.json(), 'corpo')
    this.simulator.instances.configure(instance, {
      qrIntervalMs: optionalIntegerAt(input, 'qrIntervalMs', 50, 600_000),
      qrLimit: optionalIntegerAt(input, 'qrLimit', 1, 1000),
    })
    return this.simulator.instances.view(instance)
  }

  private async scan(request: SimRequest) {
    const instance = this.instance(request)
    const input = objectAt(await request.json(), 'corpo')
    const phone = stringAt(input, 'phone').replace(/\D/g, '')
    if (!/^\d{8,15}$/.test(phone)) throw new InvalidInput('phone deve ser o número do celular que lê o QR, com DDI')
    this.simulator.instances.scan(instance, phone, optionalStringAt(input, 'profileName') ?? null)
    return this.simulator.instances.view(instance)
  }

  private disconnect(request: SimRequest) {
    const instance = this.instance(request)
    if (instance.state !== 'open') throw new ControlError(409, `A instância "${instance.name}" não está conectada.`)
    this.simulator.instances.logout(instance, 401)
    return this.simulator.instances.view(instance)
  }

  private async registerNumber(request: SimRequest): Promise<[number, unknown]> {
    const { number, verification } = await this.simulator.numbers.register(await request.json())
    return [201, { number: this.simulator.numbers.view(number), verification }]
  }

  private removeNumber(request: SimRequest) {
    const number = this.number(request)
    this.simulator.numbers.remove(number.phoneNumberId)
    return { removed: number.phoneNumberId }
  }

  private inbox(request: SimRequest) {
    const conversation = this.simulator.conversation(request.params.target!, request.params.phone!)
    return conversation.messages.filter(message => message.from === 'business').map(message => this.simulator.ctx.conversations.messageView(message))
  }

  private async customerSend(request: SimRequest): Promise<[number, unknown]> {
    const message = this.simulator.customerSend(request.params.target!, request.params.phone!, await request.json())
    return [201, { id: message.id, message }]
  }

  private async read(request: SimRequest) {
    const body = await request.json()
    const ids = isObject(body) && body.messageIds !== undefined ? body.messageIds : undefined
    if (ids !== undefined && (!Array.isArray(ids) || ids.some(id => typeof id !== 'string'))) throw new InvalidInput('messageIds deve ser uma lista de ids')
    return { read: this.simulator.markRead(request.params.target!, request.params.phone!, (ids as string[] | undefined) ?? null) }
  }

  private media(request: SimRequest): undefined {
    const media = this.simulator.ctx.media.get(request.params.id!)
    if (!media) throw new ControlError(404, 'Arquivo não encontrado.')
    request.res.writeHead(200, {
      'content-type': media.mimeType,
      'content-length': String(media.size),
      'cache-control': 'private, max-age=3600',
      ...(media.fileName ? { 'content-disposition': `inline; filename="${encodeURIComponent(media.fileName)}"` } : {}),
    })
    request.res.end(media.bytes)
    return undefined
  }

  private async setFaults(request: SimRequest, scope: string | undefined) {
    const patch = objectAt(await request.json(), 'corpo')
    const faults = this.simulator.ctx.faults.set(patch, scope)
    // Switching reordering off releases what it held.
    if (patch.reorderWebhooks === false) this.simulator.ctx.webhooks.flushHeld()
    return faults
  }

  private clearFaults(scope: string | undefined) {
    this.simulator.ctx.faults.clear(scope)
    this.simulator.ctx.webhooks.flushHeld()
    return this.simulator.ctx.faults.view()
  }

  private log(request: SimRequest) {
    const params = request.url.searchParams
    const since = params.get('since')
    const limit = params.get('limit')
    return this.simulator.ctx.log.query({
      since: since === null ? undefined : Number(since),
      kind: params.get('kind') ?? undefined,
      provider: params.get('provider') ?? undefined,
      target: params.get('target') ?? undefined,
      limit: limit === null ? undefined : Number(limit),
    })
  }

  private events(request: SimRequest): undefined {
    const res = request.res
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'connection': 'keep-alive' })
    res.write('retry: 1000\n\n')
    this.streams.add(res)
    const unsubscribe = this.simulator.ctx.bus.subscribe(change => res.write(`event: change\ndata: ${JSON.stringify(change)}\n\n`))
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000)
    heartbeat.unref()
    res.once('close', () => {
      clearInterval(heartbeat)
      unsubscribe()
      this.streams.delete(res)
    })
    return undefined
  }
}

function parseWebhookInput(input: Json | undefined): EvolutionWebhookConfig | null {
  if (!input) return null
  const events = input.events
  if (events !== undefined && (!Array.isArray(events) || events.some(event => typeof event !== 'string'))) {
    throw new InvalidInput('webhook.events deve ser uma lista de nomes de evento (MESSAGES_UPSERT, …)')
  }
  return {
    enabled: input.enabled !== false,
    url: stringAt(input, 'url', 'webhook.url'),
    headers: stringRecordAt(input, 'headers', 'webhook.headers') ?? {},
    byEvents: input.byEvents === true,
    base64: input.base64 === true,
    events: (events as string[] | undefined) ?? [],
  }
}
