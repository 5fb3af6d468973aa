/**
 * The fake Evolution API 2.3.7, mounted at `<simulator>/evolution` (the "server URL" an admin types).
 * Guards run in Evolution's order: instance exists (404) → name free on create (403) → `apikey` is the
 * global key or that instance's token (401). Routes (reference A.2–A.9):
 *
 *   GET    /                                      server banner
 *   POST   /instance/create                       global key only; `webhook: {url, headers, events, byEvents, base64}`
 *   GET    /instance/connect/{instance}           QR object, `?number=` adds a pairing code; `open` → state
 *   GET    /instance/connectionState/{instance}
 *   DELETE /instance/logout/{instance}
 *   DELETE /instance/delete/{instance}
 *   GET    /instance/fetchInstances               `?instanceName=`, `?instanceId=`, `?number=`
 *   POST   /webhook/set/{instance}                 GET /webhook/find/{instance}
 *   POST   /message/sendText|sendMedia|sendWhatsAppAudio|sendSticker/{instance}
 *   POST   /chat/getBase64FromMediaMessage/{instance}
 *   POST   /chat/markMessageAsRead/{instance}
 */
import type { SimulatorContext } from '../context.ts'
import { type SimRequest, Router, dropConnection, headerOf, holdWithoutAnswer, sendJsonBody } from '../http.ts'
import { extensionFor } from '../media.ts'
import { digitsOnly } from '../phones.ts'
import type { EvolutionWebhookConfig } from '../types.ts'
import { isObject } from '../validate.ts'
import { statusData } from './customer.ts'
import { EvolutionError, badRequest, instanceNotFound, unauthorized } from './errors.ts'
import type { EvolutionInstance, EvolutionInstances } from './instances.ts'
import { CONTENT_KEYS, type Json, long } from './payloads.ts'
import type { EvolutionSender, SendEndpoint } from './send.ts'
import { emitEvolutionEvent } from './webhooks.ts'

const INTEGRATIONS = ['WHATSAPP-BAILEYS', 'WHATSAPP-BUSINESS', 'EVOLUTION']

export class EvolutionApi {
  private readonly router = new Router()

  constructor(
    private readonly ctx: SimulatorContext,
    private readonly instances: EvolutionInstances,
    private readonly sender: EvolutionSender,
  ) {
    this.router
      .on('GET', '/', request => this.banner(request))
      .on('POST', '/instance/create', request => this.create(request))
      .on('GET', '/instance/connect/:instance', request => this.connect(request))
      .on('GET', '/instance/connectionState/:instance', request => this.connectionState(request))
      .on('DELETE', '/instance/logout/:instance', request => this.logout(request))
      .on('DELETE', '/instance/delete/:instance', request => this.remove(request))
      .on('GET', '/instance/fetchInstances', request => this.fetchInstances(request))
      .on('POST', '/webhook/set/:instance', request => this.setWebhook(request))
      .on('GET', '/webhook/find/:instance', request => this.findWebhook(request))
      .on('POST', '/chat/getBase64FromMediaMessage/:instance', request => this.getBase64(request))
      .on('POST', '/chat/markMessageAsRead/:instance', request => this.markRead(request))
    for (const endpoint of ['sendText', 'sendMedia', 'sendWhatsAppAudio', 'sendSticker'] as const) {
      this.router.on('POST', `/message/${endpoint}/:instance`, request => this.send(request, endpoint))
    }
  }

  async handle(request: SimRequest): Promise<void> {
    const match = this.router.match(request.method, request.path)
    if (!('handler' in match)) {
      sendJsonBody(request.res, 404, new EvolutionError(404, [`Cannot ${request.method} ${request.url.pathname}`]).body())
      return
    }
    request.params = match.params
    request.target = match.params.instance
    if (this.ctx.faults.isOutage(`evolution:${match.params.instance ?? ''}`)) {
      dropConnection(request)
      return
    }
    try {
      await match.handler(request)
    }
    catch (error) {
      if (error instanceof EvolutionError) {
        sendJsonBody(request.res, error.status, error.body())
        return
      }
      if (error instanceof SyntaxError) {
        sendJsonBody(request.res, 400, badRequest(`Unexpected token in JSON: ${error.message}`).body())
        return
      }
      throw error
    }
  }

  private authorize(request: SimRequest, instance?: EvolutionInstance): void {
    const key = headerOf(request.req, 'apikey')
    if (key && (key === this.ctx.options.evolutionApiKey || (instance && key === instance.token))) return
    throw unauthorized()
  }

  private existing(request: SimRequest): EvolutionInstance {
    const name = request.params.instance ?? ''
    const instance = this.instances.get(name)
    if (!instance) throw instanceNotFound(name)
    this.authorize(request, instance)
    return instance
  }

  private banner(request: SimRequest): void {
    sendJsonBody(request.res, 200, {
      status: 200,
      message: 'Welcome to the Evolution API, it is working!',
      version: '2.3.7',
      clientName: 'evolution_exchange',
      manager: `${this.ctx.baseUrl()}/evolution/manager`,
      documentation: 'https://doc.evolution-api.com',
    })
  }

  private async create(request: SimRequest): Promise<void> {
    const body = await request.json()
    if (!isObject(body)) throw badRequest('instance is not of a type(s) object')
    const name = body.instanceName
    if (typeof name !== 'string' || name === '') throw badRequest('instance requires property "instanceName"')
    request.target = name
    if (this.instances.get(name)) throw new EvolutionError(403, [`This name "${name}" is already in use.`])
    this.authorize(request)
    if (!INTEGRATIONS.includes(body.integration as string)) throw badRequest('Invalid integration')
    const token = body.token === undefined || body.token === '' ? undefined : body.token
    if (token !== undefined && typeof token !== 'string') throw badRequest('instance.token is not of a type(s) string')
    const number = parseNumber(body.number)
    // Evolution reads the nested `webhook` object; `events.length` on a missing array throws and the
    // half-created instance is deleted again.
    const webhook = body.webhook === undefined ? null : parseWebhook(body.webhook, true)
    const settings = Object.fromEntries(Object.entries(body).filter(([key]) => ['rejectCall', 'msgCall', 'groupsIgnore', 'alwaysOnline', 'readMessages', 'readStatus', 'syncFullHistory', 'wavoipToken'].includes(key)))
    const instance = this.instances.create({ name, token, integration: body.integration as string, webhook, settings })
    emitEvolutionEvent(this.ctx, instance, 'instance.create', { instanceName: instance.name, instanceId: instance.id })
    if (body.qrcode === true && instance.integration === 'WHATSAPP-BAILEYS') this.instances.connect(instance, number)
    sendJsonBody(request.res, 201, {
      instance: {
        instanceName: instance.name,
        instanceId: instance.id,
        integration: instance.integration,
        webhookWaBusiness: null,
        accessTokenWaBusiness: '',
        status: instance.state,
      },
      hash: instance.token,
      webhook: instance.webhook
        ? { webhookUrl: instance.webhook.url, webhookHeaders: instance.webhook.headers, webhookByEvents: instance.webhook.byEvents, webhookBase64: instance.webhook.base64 }
        : {},
      websocket: {},
      rabbitmq: {},
      nats: {},
      sqs: {},
      settings: instance.settings,
      ...(instance.qr ? { qrcode: this.qrObject(instance) } : {}),
    })
  }

  private qrObject(instance: EvolutionInstance): Json {
    return { pairingCode: instance.pairingCode, code: instance.qr?.code, base64: instance.qr?.base64, count: instance.qr?.count ?? 0 }
  }

  private connect(request: SimRequest): void {
    const instance = this.existing(request)
    const number = parseNumber(request.url.searchParams.get('number') ?? undefined)
    if (instance.state === 'open') {
      sendJsonBody(request.res, 200, { instance: { instanceName: instance.name, state: 'open' } })
      return
    }
    this.instances.connect(instance, number)
    sendJsonBody(request.res, 200, this.qrObject(instance))
  }

  private connectionState(request: SimRequest): void {
    const instance = this.existing(request)
    sendJsonBody(request.res, 200, { instance: { instanceName: instance.name, state: instance.state } })
  }

  private logout(request: SimRequest): void {
    const instance = this.existing(request)
    if (instance.state === 'close' || instance.state === 'refused') throw badRequest(`The "${instance.name}" instance is not connected`)
    this.instances.logout(instance)
    sendJsonBody(request.res, 200, { status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } })
  }

  private remove(request: SimRequest): void {
    const instance = this.existing(request)
    this.instances.remove(instance)
    sendJsonBody(request.res, 200, { status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } })
  }

  private fetchInstances(request: SimRequest): void {
    const key = headerOf(request.req, 'apikey')
    const params = request.url.searchParams
    let visible = this.instances.list()
    if (key !== this.ctx.options.evolutionApiKey) {
      visible = visible.filter(instance => key !== undefined && instance.token === key)
      if (visible.length === 0) throw unauthorized()
    }
    const name = params.get('instanceName')
    const id = params.get('instanceId')
    const number = params.get('number')
    if (name) {
      if (!this.instances.get(name)) throw instanceNotFound(name)
      visible = visible.filter(instance => instance.name === name)
    }
    if (id) visible = visible.filter(instance => instance.id === id)
    if (number) visible = visible.filter(instance => instance.ownerJid?.startsWith(digitsOnly(number)))
    sendJsonBody(request.res, 200, visible.map(instance => this.instanceRow(instance)))
  }

  /** Prisma `Instance` row with the includes `monitor.service.ts#instanceInfo` adds. */
  private instanceRow(instance: EvolutionInstance): Json {
    const conversations = this.ctx.conversations.list().filter(conversation => conversation.target.provider === 'evolution' && conversation.target.id === instance.name)
    return {
      id: instance.id,
      name: instance.name,
      connectionStatus: instance.state === 'refused' ? 'close' : instance.state,
      ownerJid: instance.ownerJid,
      profileName: instance.profileName,
      profilePicUrl: null,
      integration: instance.integration,
      number: instance.pairingNumber,
      businessId: null,
      token: instance.token,
      clientName: 'evolution_exchange',
      disconnectionReasonCode: instance.disconnectionReasonCode,
      disconnectionObject: null,
      disconnectionAt: instance.disconnectionAt,
      createdAt: instance.createdAt,
      updatedAt: instance.updatedAt,
      Chatwoot: null,
      Proxy: null,
      Rabbitmq: null,
      Nats: null,
      Sqs: null,
      Websocket: null,
      Setting: { id: instance.webhookRow?.id ?? instance.id, ...instance.settings, createdAt: instance.createdAt, updatedAt: instance.updatedAt, instanceId: instance.id },
      _count: {
        Message: conversations.reduce((sum, conversation) => sum + conversation.messages.length, 0),
        Contact: conversations.length,
        Chat: conversations.length,
      },
    }
  }

  private async setWebhook(request: SimRequest): Promise<void> {
    const instance = this.existing(request)
    const body = await request.json()
    if (!isObject(body) || body.webhook === undefined) throw badRequest('instance requires property "webhook"')
    const webhook = parseWebhook(body.webhook, false)
    this.instances.setWebhook(instance, webhook)
    sendJsonBody(request.res, 201, this.webhookRow(instance))
  }

  private findWebhook(request: SimRequest): void {
    const instance = this.existing(request)
    sendJsonBody(request.res, 200, instance.webhook ? this.webhookRow(instance) : null)
  }

  private webhookRow(instance: EvolutionInstance): Json {
    const hook = instance.webhook!
    return {
      id: instance.webhookRow!.id,
      url: hook.url,
      headers: hook.headers,
      enabled: hook.enabled,
      events: hook.events,
      webhookByEvents: hook.byEvents,
      webhookBase64: hook.base64,
      createdAt: instance.webhookRow!.createdAt,
      updatedAt: instance.webhookRow!.updatedAt,
      instanceId: instance.id,
    }
  }

  private async send(request: SimRequest, endpoint: SendEndpoint): Promise<void> {
    const instance = this.existing(request)
    const outcome = await this.sender.send(instance, endpoint, await request.json())
    if ('fault' in outcome) {
      if (outcome.fault === 'outage') dropConnection(request)
      else await holdWithoutAnswer(request, this.ctx.options.sendTimeoutHoldMs)
      return
    }
    sendJsonBody(request.res, outcome.status, outcome.body)
  }

  /** Decrypts ("downloads") the media of a message this instance sent or received. */
  private async getBase64(request: SimRequest): Promise<void> {
    const instance = this.existing(request)
    const body = await request.json()
    const message = isObject(body) && isObject(body.message) ? body.message : null
    const key = message && isObject(message.key) ? message.key : null
    if (!key || typeof key.id !== 'string') throw badRequest('instance.message.key requires property "id"')
    const found = this.ctx.conversations.find({ provider: 'evolution', id: instance.name }, key.id)
    if (!found) throw badRequest('Message not found')
    const media = found.message.mediaId ? this.ctx.media.get(found.message.mediaId) : undefined
    if (!media || found.message.kind === 'template') throw badRequest('The message is not of the media type')
    const mediaType = CONTENT_KEYS[found.message.kind as keyof typeof CONTENT_KEYS]
    const content = (found.message.evolution?.data.message as Json | undefined)?.[mediaType] as Json | undefined
    const mimetype = typeof content?.mimetype === 'string' ? content.mimetype : media.mimeType
    sendJsonBody(request.res, 201, {
      mediaType,
      fileName: media.fileName ?? `${found.message.id}.${extensionFor(mimetype)}`,
      size: {
        fileLength: long(media.size),
        ...(media.height !== null ? { height: media.height, width: media.width } : {}),
      },
      mimetype,
      ...(found.message.text && found.message.kind !== 'document' ? { caption: found.message.text } : {}),
      base64: media.bytes.toString('base64'),
      buffer: null,
    })
  }

  /** The business read customer messages: the customer sees blue ticks; Evolution also emits the ack. */
  private async markRead(request: SimRequest): Promise<void> {
    const instance = this.existing(request)
    const body = await request.json()
    const items = isObject(body) && Array.isArray(body.readMessages) ? body.readMessages : null
    if (!items) throw badRequest('instance requires property "readMessages"')
    for (const item of items) {
      if (!isObject(item) || typeof item.id !== 'string') continue
      const found = this.ctx.conversations.find({ provider: 'evolution', id: instance.name }, item.id)
      if (!found || found.message.from !== 'customer') continue
      if (this.ctx.conversations.advance(found.conversation, found.message, 'read')) {
        emitEvolutionEvent(this.ctx, instance, 'messages.update', statusData(instance, found.conversation, found.message, 'READ'))
      }
    }
    sendJsonBody(request.res, 201, { message: 'Read messages', read: 'success' })
  }
}

function parseNumber(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null
  if (typeof value !== 'string' || !/^\d+[.@\w-]*$/.test(value)) throw badRequest('instance.number does not match pattern "^\\d+[\\.@\\w-]+"')
  return digitsOnly(value)
}

function parseWebhook(value: unknown, onCreate: boolean): EvolutionWebhookConfig {
  if (!isObject(value)) throw badRequest('instance.webhook is not of a type(s) object')
  const enabled = onCreate ? true : value.enabled
  if (typeof enabled !== 'boolean') throw badRequest('instance.webhook requires property "enabled"')
  if (typeof value.url !== 'string' || (enabled && value.url === '')) throw badRequest('instance.webhook requires property "url"')
  if (enabled && !Array.isArray(value.events)) {
    const error = 'Cannot read properties of undefined (reading \'length\')'
    throw onCreate ? badRequest(error) : new EvolutionError(500, [error])
  }
  const events = ((value.events ?? []) as unknown[]).filter((event): event is string => typeof event === 'string')
  const headers = value.headers === undefined || value.headers === null ? {} : value.headers
  if (!isObject(headers) || Object.values(headers).some(header => typeof header !== 'string')) throw badRequest('instance.webhook.headers is not of a type(s) object')
  return {
    enabled,
    url: value.url,
    headers: headers as Record<string, string>,
    byEvents: value.byEvents === true,
    base64: value.base64 === true,
    events,
  }
}
