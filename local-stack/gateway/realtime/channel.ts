/**
 * One joined topic on one socket: the server side of a realtime-js RealtimeChannel, after Realtime's
 * `RealtimeChannel` (lib/realtime_web/channels/realtime_channel.ex). It authorizes the join with the
 * access token (or the apikey's JWT), subscribes the postgres_changes bindings, relays broadcasts and
 * presence, follows `access_token` refreshes and shuts itself down — a `system` error, then `phx_close` —
 * when the token turns invalid or expires.
 */
import type { JwtClaims, StackKeys } from '../keys.ts'
import { parseBinding, type ChangeBinding } from './bindings.ts'
import type { ChangeData, ChangeFeed, ChangeSubscriber, SubscribeResult } from './changes.ts'
import type { BroadcastMessage, PresenceDiff, TopicHub, TopicMember } from './hub.ts'
import type { PresenceTracker } from './presence.ts'
import {
  encodeUserBroadcast, isUserBroadcast, type JsonObject, type OutgoingMessage, type PhoenixMessage, type ProtocolVersion,
} from './serializer.ts'
import { checkToken, recheckDelay, type TokenFailure } from './tokens.ts'

/** What a channel needs from its socket. */
export interface ChannelTransport {
  readonly vsn: ProtocolVersion
  /** The apikey's JWT: the token of a join that carries no usable access_token. */
  readonly tenantToken: string
  send(message: OutgoingMessage): void
  sendBinary(frame: Buffer): void
  channelClosed(channel: ServerChannel): void
}

export interface RealtimeServices {
  keys: StackKeys
  hub: TopicHub
  presence: PresenceTracker
  feed: ChangeFeed
  log: (line: string) => void
}

interface ChannelConfig {
  ack: boolean
  self: boolean
  presenceEnabled: boolean
  presenceKey: string
  replicationReady: boolean
  private: boolean
}

function object(value: unknown): JsonObject {
  return value && typeof value === 'object' && !Array.isArray(value) ? value as JsonObject : {}
}

/** Realtime's FlexibleBoolean: booleans or their string forms. */
function flag(value: unknown): boolean {
  return value === true || value === 'true'
}

function parseConfig(payload: JsonObject): ChannelConfig {
  const config = object(payload.config)
  const broadcast = object(config.broadcast)
  const presence = object(config.presence)
  const key = typeof presence.key === 'string' || typeof presence.key === 'number' ? String(presence.key) : ''
  return {
    ack: flag(broadcast.ack),
    self: flag(broadcast.self),
    presenceEnabled: flag(presence.enabled),
    presenceKey: key || crypto.randomUUID(),
    replicationReady: flag(broadcast.replication_ready),
    private: flag(config.private),
  }
}

export class ServerChannel implements TopicMember, ChangeSubscriber {
  readonly subTopic: string
  claims: JwtClaims = {}
  private accessToken = ''
  private config!: ChannelConfig
  private bindings: ChangeBinding[] = []
  /** Why the postgres_changes bindings could not be parsed, if they could not. */
  private bindingError: string | undefined
  private tokenTimer: NodeJS.Timeout | undefined
  private closed = false
  /** Whether this channel has a presence tracked (to untrack it when the channel goes away). */
  private tracking = false

  constructor(
    private readonly transport: ChannelTransport,
    private readonly services: RealtimeServices,
    readonly topic: string,
    readonly joinRef: string | null,
  ) {
    this.subTopic = topic.replace(/^realtime:/, '')
  }

  /** Handles phx_join and sends its reply. Returns whether the channel joined. */
  async join(message: PhoenixMessage): Promise<boolean> {
    const payload = object(message.payload)
    if (!this.subTopic) return this.refuseJoin(message.ref, 'TopicNameRequired: You must provide a topic name')
    this.config = parseConfig(payload)
    if (this.config.private) {
      // Private channels are authorized by RLS on realtime.messages, which the local stack does not
      // emulate; this is what Realtime answers when no policy grants access.
      this.services.log(`[realtime] private channel "${this.subTopic}" refused: realtime.messages policies are not emulated locally`)
      return this.refuseJoin(message.ref, `Unauthorized: You do not have permissions to read from this Channel topic: ${this.subTopic}`)
    }

    const offered = payload.access_token ?? payload.user_token
    this.accessToken = typeof offered === 'string' && !offered.startsWith('sb_') ? offered : this.transport.tenantToken
    const token = await checkToken(this.services.keys, this.accessToken)
    if (!token.ok) return this.refuseJoin(message.ref, `${token.code}: ${token.message}`)
    this.claims = token.claims

    const requested = Array.isArray(object(payload.config).postgres_changes)
      ? (object(payload.config).postgres_changes as unknown[]).filter(entry => entry !== null && entry !== undefined)
      : []
    const parsed = requested.map(entry => parseBinding(object(entry)))
    this.bindings = parsed.flatMap(result => 'binding' in result ? [result.binding] : [])
    this.bindingError = parsed.flatMap(result => 'error' in result ? [result.error] : [])[0]
    const subscription = parsed.length > 0 ? await this.subscribeChanges() : undefined

    this.services.hub.add(this)
    this.scheduleTokenCheck()
    const echoed = parsed.map(result => 'binding' in result
      ? { ...result.binding.params, id: result.binding.id }
      : { ...result.params, id: result.id })
    this.reply(message.ref, 'ok', { postgres_changes: echoed })

    if (subscription) this.reportSubscription(subscription)
    if (this.config.replicationReady) this.pushSystem('system', 'ok', 'Replication connection established')
    if (this.config.presenceEnabled) this.push('presence_state', this.services.presence.state(this.topic))
    return true
  }

  /** Every message for this topic other than phx_join and phx_leave. */
  async handle(message: PhoenixMessage): Promise<void> {
    switch (message.event) {
      case 'broadcast':
        this.handleBroadcast(message)
        return
      case 'presence':
        this.handlePresence(message)
        return
      case 'access_token':
        await this.handleAccessToken(object(message.payload).access_token)
        return
      default:
        // Realtime ignores unknown client events (it only logs them).
    }
  }

  leave(ref: string | null): void {
    this.reply(ref, 'ok', {})
    this.sendClose()
    this.teardown()
  }

  /** Closes a channel replaced by a new join of the same topic, as Phoenix does for duplicate joins. */
  replace(): void {
    this.sendClose()
    this.teardown()
  }

  /** The socket went away: release everything without writing to it. */
  dispose(): void {
    this.teardown()
  }

  receiveBroadcast(message: BroadcastMessage): void {
    if (this.closed) return
    if (message.kind === 'json') {
      this.transport.send({ joinRef: null, ref: null, topic: this.topic, event: 'broadcast', payload: message.payload })
      return
    }
    const { broadcast } = message
    if (this.transport.vsn === '2.0.0') {
      this.transport.sendBinary(encodeUserBroadcast(this.topic, broadcast))
      return
    }
    // Protocol 1.0.0 has no binary frames: JSON payloads are converted, binary ones cannot be.
    if (broadcast.encoding !== 'json') return
    let payload: unknown
    try {
      payload = JSON.parse(broadcast.payload.toString('utf8'))
    }
    catch {
      return
    }
    this.transport.send({
      joinRef: null,
      ref: null,
      topic: this.topic,
      event: 'broadcast',
      payload: { type: 'broadcast', event: broadcast.event, payload, ...(broadcast.metadata ? { meta: broadcast.metadata } : {}) },
    })
  }

  receivePresenceDiff(diff: PresenceDiff): void {
    if (this.closed) return
    this.transport.send({ joinRef: null, ref: null, topic: this.topic, event: 'presence_diff', payload: diff })
  }

  deliverChange(ids: number[], data: ChangeData): void {
    if (this.closed) return
    this.transport.send({ joinRef: null, ref: null, topic: this.topic, event: 'postgres_changes', payload: { ids, data } })
  }

  private handleBroadcast(message: PhoenixMessage): void {
    const outgoing: BroadcastMessage = isUserBroadcast(message.payload)
      ? { kind: 'user', broadcast: message.payload }
      : { kind: 'json', payload: message.payload }
    this.services.hub.broadcast(this.topic, outgoing, this.config.self ? undefined : this)
    if (this.config.ack) this.reply(message.ref, 'ok', {})
  }

  private handlePresence(message: PhoenixMessage): void {
    const payload = object(message.payload)
    if (typeof payload.event !== 'string') {
      this.reply(message.ref, 'ok', {})
      return
    }
    switch (payload.event.toLowerCase()) {
      case 'track': {
        const meta = Object.hasOwn(payload, 'payload') ? payload.payload : {}
        if (!meta || typeof meta !== 'object' || Array.isArray(meta)) {
          this.reply(message.ref, 'error', { reason: 'Presence track payload must be a map' })
          return
        }
        this.services.presence.track(this.topic, this, this.config.presenceKey, meta as JsonObject)
        this.tracking = true
        this.config.presenceEnabled = true
        this.reply(message.ref, 'ok', {})
        return
      }
      case 'untrack':
        this.services.presence.untrack(this.topic, this)
        this.tracking = false
        this.reply(message.ref, 'ok', {})
        return
      default:
        this.reply(message.ref, 'error', {})
    }
  }

  private async handleAccessToken(offered: unknown): Promise<void> {
    if (typeof offered !== 'string' || offered.startsWith('sb_') || offered === this.accessToken) return
    const token = await checkToken(this.services.keys, offered)
    if (this.closed) return
    if (!token.ok) {
      this.shutdown(token)
      return
    }
    this.accessToken = offered
    this.claims = token.claims
    this.scheduleTokenCheck()
    if (this.bindings.length > 0 || this.bindingError) {
      // Realtime re-subscribes with the new claims (the role may have changed) and reports it again.
      this.reportSubscription(await this.subscribeChanges())
    }
  }

  /** Subscribes the bindings, all or none, as Realtime's subscription transaction does. */
  private subscribeChanges(): Promise<SubscribeResult> {
    if (this.bindingError) return Promise.resolve({ ok: false, message: this.bindingError })
    return this.services.feed.subscribe(this, this.bindings)
  }

  /** Re-checks the token at expiry (and every few minutes), as Realtime's :confirm_token does. */
  private scheduleTokenCheck(): void {
    clearTimeout(this.tokenTimer)
    this.tokenTimer = setTimeout(() => {
      void checkToken(this.services.keys, this.accessToken).then((token) => {
        if (this.closed) return
        if (token.ok) this.scheduleTokenCheck()
        else this.shutdown(token)
      })
    }, recheckDelay(this.claims))
  }

  private reportSubscription(result: SubscribeResult): void {
    if (this.closed) {
      // The channel went away while its bindings were being validated.
      this.services.feed.unsubscribe(this)
      return
    }
    if (result.ok) this.pushSystem('postgres_changes', 'ok', 'Subscribed to PostgreSQL')
    else {
      this.services.feed.unsubscribe(this)
      this.pushSystem('postgres_changes', 'error', result.message)
    }
  }

  /** Realtime's shutdown_response: a system error, then the channel stops (phx_close). */
  private shutdown(failure: TokenFailure): void {
    if (this.closed) return
    this.pushSystem('system', 'error', failure.message)
    this.sendClose()
    this.teardown()
  }

  private refuseJoin(ref: string | null, reason: string): false {
    this.reply(ref, 'error', { reason })
    return false
  }

  private reply(ref: string | null, status: 'ok' | 'error', response: JsonObject): void {
    this.transport.send({ joinRef: this.joinRef, ref, topic: this.topic, event: 'phx_reply', payload: { status, response } })
  }

  private push(event: string, payload: unknown): void {
    this.transport.send({ joinRef: this.joinRef, ref: null, topic: this.topic, event, payload })
  }

  private pushSystem(extension: 'system' | 'postgres_changes', status: 'ok' | 'error', message: string): void {
    this.push('system', { extension, status, message, channel: this.subTopic })
  }

  private sendClose(): void {
    this.transport.send({ joinRef: this.joinRef, ref: this.joinRef, topic: this.topic, event: 'phx_close', payload: {} })
  }

  private teardown(): void {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.tokenTimer)
    this.services.hub.remove(this)
    if (this.tracking) this.services.presence.untrack(this.topic, this)
    this.services.feed.unsubscribe(this)
    this.transport.channelClosed(this)
  }
}
