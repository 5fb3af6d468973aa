/**
 * One websocket connection speaking the Phoenix socket protocol: heartbeats on topic `phoenix`, joins
 * and leaves, and routing of every other message to the channel joined on its topic. Messages are handled
 * one at a time, in arrival order, as Phoenix's socket process does, so a push sent right after a join
 * is handled after that join.
 */
import type { WebSocket } from 'ws'
import { ServerChannel, type ChannelTransport, type RealtimeServices } from './channel.ts'
import {
  decodeFrame, encodeMessage, FrameError, type OutgoingMessage, type PhoenixMessage, type ProtocolVersion,
} from './serializer.ts'

/** Phoenix closes a socket that sends nothing (not even a heartbeat) for this long. */
const IDLE_TIMEOUT_MS = 60_000
const WS_GOING_AWAY = 1001
const WS_INVALID_FRAME = 1007
const CLOSE_GRACE_MS = 1000

export class RealtimeSocket implements ChannelTransport {
  private readonly channels = new Map<string, ServerChannel>()
  private queue: Promise<void> = Promise.resolve()
  private idleTimer: NodeJS.Timeout | undefined
  private isClosed = false

  constructor(
    private readonly ws: WebSocket,
    readonly vsn: ProtocolVersion,
    readonly tenantToken: string,
    private readonly services: RealtimeServices,
    private readonly onClosed: (socket: RealtimeSocket) => void,
  ) {
    ws.on('message', (data, isBinary) => {
      this.resetIdleTimer()
      const frame = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
      this.queue = this.queue
        .then(() => this.receive(frame, isBinary))
        .catch(error => services.log(`[realtime] could not handle a frame: ${(error as Error).stack ?? error}`))
    })
    ws.on('close', () => this.closed())
    ws.on('error', error => services.log(`[realtime] websocket error: ${error.message}`))
    this.resetIdleTimer()
  }

  send(message: OutgoingMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(encodeMessage(message, this.vsn))
  }

  sendBinary(frame: Buffer): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(frame, { binary: true })
  }

  channelClosed(channel: ServerChannel): void {
    if (this.channels.get(channel.topic) === channel) this.channels.delete(channel.topic)
  }

  close(code = WS_GOING_AWAY, reason = 'server shutting down'): void {
    this.ws.close(code, reason)
    // A peer that never answers the close handshake must not hold the process (ws waits 30 s).
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref()
    this.closed()
  }

  private async receive(frame: Buffer, isBinary: boolean): Promise<void> {
    let message: PhoenixMessage
    try {
      message = decodeFrame(frame, isBinary, this.vsn)
    }
    catch (error) {
      if (!(error instanceof FrameError)) throw error
      // Phoenix's socket crashes on a frame it cannot decode; the client reconnects.
      this.services.log(`[realtime] closing a socket after an invalid frame: ${error.message}`)
      this.close(WS_INVALID_FRAME, 'invalid frame')
      return
    }
    try {
      await this.route(message)
    }
    catch (error) {
      this.services.log(`[realtime] ${message.event} on ${message.topic} failed: ${(error as Error).stack ?? error}`)
    }
  }

  private async route(message: PhoenixMessage): Promise<void> {
    const { topic, event, ref } = message
    if (topic === 'phoenix' && event === 'heartbeat') {
      this.send({ joinRef: null, ref, topic, event: 'phx_reply', payload: { status: 'ok', response: {} } })
      return
    }
    const channel = this.channels.get(topic)
    if (event === 'phx_join') {
      if (!topic.startsWith('realtime:')) {
        // Realtime routes only `realtime:*` topics to its channel; Phoenix refuses the rest.
        this.send({ joinRef: message.joinRef, ref, topic, event: 'phx_reply', payload: { status: 'error', response: { reason: 'unmatched topic' } } })
        return
      }
      channel?.replace()
      const joining = new ServerChannel(this, this.services, topic, message.joinRef)
      if (await joining.join(message)) {
        if (this.ws.readyState === this.ws.OPEN) this.channels.set(topic, joining)
        else joining.dispose()
      }
      return
    }
    if (event === 'phx_leave') {
      if (channel) channel.leave(ref)
      else this.send({ joinRef: message.joinRef, ref, topic, event: 'phx_reply', payload: { status: 'ok', response: {} } })
      return
    }
    if (!channel) {
      this.send({ joinRef: message.joinRef, ref, topic, event: 'phx_reply', payload: { status: 'error', response: { reason: 'unmatched topic' } } })
      return
    }
    await channel.handle(message)
  }

  private resetIdleTimer(): void {
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => this.close(WS_GOING_AWAY, 'heartbeat timeout'), IDLE_TIMEOUT_MS)
  }

  private closed(): void {
    if (this.isClosed) return
    this.isClosed = true
    clearTimeout(this.idleTimer)
    for (const channel of [...this.channels.values()]) channel.dispose()
    this.channels.clear()
    this.onClosed(this)
  }
}
