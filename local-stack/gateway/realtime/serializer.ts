/**
 * Phoenix socket frames as realtime-js 2.119 speaks them (`lib/serializer.ts`) and the Realtime server
 * answers them (`lib/realtime_web/socket/v2_serializer.ex`, Phoenix's V1 JSONSerializer):
 * - vsn 1.0.0: JSON objects. Outgoing frames carry only topic, event, payload and ref (no join_ref).
 * - vsn 2.0.0: JSON arrays `[join_ref, ref, topic, event, payload]`, plus binary frames for user
 *   broadcasts: kind 3 (client push) in, kind 4 (server broadcast) out.
 */

export type ProtocolVersion = '1.0.0' | '2.0.0'

export const PROTOCOL_VERSIONS: readonly ProtocolVersion[] = ['1.0.0', '2.0.0']

export type JsonObject = Record<string, unknown>

/** A user broadcast carried in a binary frame; `payload` is JSON text bytes or opaque bytes. */
export interface UserBroadcast {
  event: string
  encoding: 'json' | 'binary'
  payload: Buffer
  /** Frame metadata (realtime-js sends only allow-listed keys, e.g. `persist`). */
  metadata?: JsonObject
}

export interface PhoenixMessage {
  joinRef: string | null
  ref: string | null
  topic: string
  event: string
  /** A JSON object, or a decoded kind-3 user broadcast push. */
  payload: JsonObject | UserBroadcast
}

export class FrameError extends Error {}

const KIND_USER_BROADCAST_PUSH = 3
const KIND_USER_BROADCAST = 4
const BINARY_ENCODING = 0
const JSON_ENCODING = 1
const MAX_FIELD_BYTES = 255

export function isUserBroadcast(payload: PhoenixMessage['payload']): payload is UserBroadcast {
  return Buffer.isBuffer((payload as UserBroadcast).payload) && typeof (payload as UserBroadcast).encoding === 'string'
}

function asRef(value: unknown): string | null {
  if (value === null || value === undefined) return null
  return String(value)
}

function asPayload(value: unknown): JsonObject {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as JsonObject
  throw new FrameError('payload must be a JSON object')
}

function decodeText(text: string, vsn: ProtocolVersion): PhoenixMessage {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  }
  catch {
    throw new FrameError('frame is not valid JSON')
  }
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed) || parsed.length < 5) throw new FrameError('expected a V2 array')
    const [joinRef, ref, topic, event, payload] = parsed as unknown[]
    if (typeof topic !== 'string' || typeof event !== 'string') throw new FrameError('topic and event must be strings')
    return { joinRef: asRef(joinRef), ref: asRef(ref), topic, event, payload: asPayload(payload) }
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new FrameError('expected a V1 object')
  const message = parsed as JsonObject
  if (typeof message.topic !== 'string' || typeof message.event !== 'string') throw new FrameError('topic and event must be strings')
  return {
    joinRef: asRef(message.join_ref),
    ref: asRef(message.ref),
    topic: message.topic,
    event: message.event,
    payload: asPayload(message.payload),
  }
}

/** Decodes a kind-3 frame: header lengths are byte counts of the UTF-8 fields that follow. */
function decodeUserBroadcastPush(frame: Buffer): PhoenixMessage {
  const headerLength = 7
  if (frame.length < headerLength) throw new FrameError('truncated binary frame')
  const sizes = [frame[1]!, frame[2]!, frame[3]!, frame[4]!, frame[5]!]
  const encoding = frame[6]
  let offset = headerLength
  const fields = sizes.map((size) => {
    if (offset + size > frame.length) throw new FrameError('truncated binary frame')
    const field = frame.subarray(offset, offset + size).toString('utf8')
    offset += size
    return field
  })
  const [joinRef, ref, topic, event, metadataText] = fields as [string, string, string, string, string]
  let metadata: JsonObject | undefined
  if (metadataText) {
    try {
      metadata = asPayload(JSON.parse(metadataText))
    }
    catch {
      throw new FrameError('binary frame metadata is not a JSON object')
    }
  }
  const broadcast: UserBroadcast = {
    event,
    encoding: encoding === BINARY_ENCODING ? 'binary' : 'json',
    payload: Buffer.from(frame.subarray(offset)),
    ...(metadata ? { metadata } : {}),
  }
  return { joinRef: joinRef || null, ref: ref || null, topic, event: 'broadcast', payload: broadcast }
}

export function decodeFrame(data: Buffer | string, isBinary: boolean, vsn: ProtocolVersion): PhoenixMessage {
  if (!isBinary) return decodeText(typeof data === 'string' ? data : data.toString('utf8'), vsn)
  if (vsn !== '2.0.0') throw new FrameError('binary frames need protocol 2.0.0')
  const frame = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
  if (frame[0] !== KIND_USER_BROADCAST_PUSH) throw new FrameError(`unsupported binary frame kind ${frame[0]}`)
  return decodeUserBroadcastPush(frame)
}

export interface OutgoingMessage {
  joinRef: string | null
  ref: string | null
  topic: string
  event: string
  payload: unknown
}

export function encodeMessage(message: OutgoingMessage, vsn: ProtocolVersion): string {
  if (vsn === '2.0.0') {
    return JSON.stringify([message.joinRef, message.ref, message.topic, message.event, message.payload])
  }
  return JSON.stringify({ topic: message.topic, event: message.event, payload: message.payload, ref: message.ref })
}

function sizedField(value: string, name: string): Buffer {
  const bytes = Buffer.from(value, 'utf8')
  if (bytes.length > MAX_FIELD_BYTES) throw new FrameError(`${name} is ${bytes.length} bytes; at most ${MAX_FIELD_BYTES} fit a binary frame`)
  return bytes
}

/** The kind-4 frame realtime-js decodes into `{type: 'broadcast', event, payload, meta?}`. */
export function encodeUserBroadcast(topic: string, broadcast: UserBroadcast): Buffer {
  const topicBytes = sizedField(topic, 'topic')
  const eventBytes = sizedField(broadcast.event, 'event')
  const metadataBytes = sizedField(broadcast.metadata ? JSON.stringify(broadcast.metadata) : '', 'metadata')
  const header = Buffer.from([
    KIND_USER_BROADCAST,
    topicBytes.length,
    eventBytes.length,
    metadataBytes.length,
    broadcast.encoding === 'json' ? JSON_ENCODING : BINARY_ENCODING,
  ])
  return Buffer.concat([header, topicBytes, eventBytes, metadataBytes, broadcast.payload])
}

/** The kind-3 frame realtime-js sends for `channel.send({type: 'broadcast', …})`; used by tests and tools. */
export function encodeUserBroadcastPush(message: { joinRef: string | null, ref: string | null, topic: string }, broadcast: UserBroadcast): Buffer {
  const fields = [
    sizedField(message.joinRef ?? '', 'join_ref'),
    sizedField(message.ref ?? '', 'ref'),
    sizedField(message.topic, 'topic'),
    sizedField(broadcast.event, 'event'),
    sizedField(broadcast.metadata ? JSON.stringify(broadcast.metadata) : '', 'metadata'),
  ]
  const header = Buffer.from([
    KIND_USER_BROADCAST_PUSH,
    ...fields.map(field => field.length),
    broadcast.encoding === 'json' ? JSON_ENCODING : BINARY_ENCODING,
  ])
  return Buffer.concat([header, ...fields, broadcast.payload])
}
