/**
 * /realtime/v1: a local stand-in for Supabase Realtime that unmodified realtime-js 2.119 talks to.
 * - `GET /websocket?apikey=…&vsn=1.0.0|2.0.0` (upgrade): the Phoenix socket — heartbeat, channels with
 *   postgres_changes (trigger-based capture, RLS-checked per subscriber), broadcast and presence.
 * - `POST /api/broadcast` and `POST /api/broadcast/:topic/events/:event`: REST broadcasts.
 * The gateway has already checked the apikey and put its JWT in `Authorization`.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { GatewayContext, GatewayService } from '../context.ts'
import { bearerToken, sendJson } from '../http.ts'
import { createBroadcastApi } from './api.ts'
import type { RealtimeServices } from './channel.ts'
import { ChangeFeed } from './changes.ts'
import { TopicHub } from './hub.ts'
import { PresenceTracker } from './presence.ts'
import { PROTOCOL_VERSIONS, type ProtocolVersion } from './serializer.ts'
import { RealtimeSocket } from './socket.ts'
import { TableCatalog } from './tables.ts'

/** Realtime's websocket max_frame_size. */
const MAX_FRAME_BYTES = 8_000_000

function refuseUpgrade(socket: Duplex, status: string, message: string): void {
  const body = JSON.stringify({ message })
  socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`)
}

export function createRealtimeService(ctx: GatewayContext): GatewayService {
  const catalog = new TableCatalog(ctx.db)
  const feed = new ChangeFeed(ctx, catalog)
  const hub = new TopicHub()
  const presence = new PresenceTracker((topic, diff) => hub.publishPresenceDiff(topic, diff))
  const services: RealtimeServices = { keys: ctx.keys, hub, presence, feed, log: ctx.log }
  const handleBroadcastApi = createBroadcastApi(ctx.keys, hub)
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
  const sockets = new Set<RealtimeSocket>()

  return {
    async handle(req, res, path, query) {
      if (await handleBroadcastApi(req, res, path, query)) return
      sendJson(res, 404, { message: 'not found' })
    },

    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, path: string, query: URLSearchParams) {
      if (path !== '/websocket' && path !== '/websocket/') {
        refuseUpgrade(socket, '404 Not Found', 'not found')
        return
      }
      // Phoenix serves protocol 1.0.0 to clients that do not ask for a version.
      const requested = query.get('vsn') ?? '1.0.0'
      if (!PROTOCOL_VERSIONS.includes(requested as ProtocolVersion)) {
        refuseUpgrade(socket, '403 Forbidden', `unsupported protocol version ${requested}`)
        return
      }
      const tenantToken = bearerToken(req)
      if (!tenantToken) {
        refuseUpgrade(socket, '403 Forbidden', 'No API key found in request')
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(new RealtimeSocket(ws, requested as ProtocolVersion, tenantToken, services, closed => sockets.delete(closed)))
      })
    },

    async start() {
      await feed.start()
    },

    async stop() {
      for (const socket of [...sockets]) socket.close()
      await new Promise<void>(resolve => wss.close(() => resolve()))
      await feed.stop()
    },
  }
}
