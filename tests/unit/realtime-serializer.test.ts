/**
 * The realtime service's Phoenix frames against realtime-js 2.119's own serializer: what the client
 * encodes the server decodes, and what the server encodes the client decodes, byte for byte.
 */
import { RealtimeClient } from '@supabase/realtime-js'
import { describe, expect, it } from 'vitest'
import {
  decodeFrame, encodeMessage, encodeUserBroadcast, encodeUserBroadcastPush, FrameError, isUserBroadcast, type UserBroadcast,
} from '../../local-stack/gateway/realtime/serializer.ts'

// The serializer a real client uses (constructing the client opens no connection).
const client = new RealtimeClient('ws://127.0.0.1/realtime/v1', { params: { apikey: 'unit-test' } }).serializer

function clientEncode(message: Parameters<typeof client.encode>[0]): ArrayBuffer | string {
  return client.encode(message, (result: ArrayBuffer | string) => result)
}

function clientDecode(raw: ArrayBuffer | string): Record<string, unknown> {
  return client.decode(raw, (message: Record<string, unknown>) => message)
}

function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer
}

describe('realtime frames, protocol 2.0.0', () => {
  it('decodes a JSON array push', () => {
    const raw = clientEncode({ join_ref: '1', ref: '2', topic: 'realtime:room', event: 'phx_join', payload: { config: {} } })
    expect(typeof raw).toBe('string')
    expect(decodeFrame(raw as string, false, '2.0.0')).toEqual({
      joinRef: '1', ref: '2', topic: 'realtime:room', event: 'phx_join', payload: { config: {} },
    })
  })

  it('decodes the binary user broadcast push (kind 3) realtime-js sends for channel.send', () => {
    const raw = clientEncode({
      join_ref: '5', ref: '9', topic: 'realtime:sala-técnica', event: 'broadcast',
      payload: { type: 'broadcast', event: 'digitando', payload: { quem: 'Carla 👩‍🔧' } },
    })
    expect(raw).toBeInstanceOf(ArrayBuffer)
    const message = decodeFrame(Buffer.from(raw as ArrayBuffer), true, '2.0.0')
    expect(message).toMatchObject({ joinRef: '5', ref: '9', topic: 'realtime:sala-técnica', event: 'broadcast' })
    expect(isUserBroadcast(message.payload)).toBe(true)
    const broadcast = message.payload as UserBroadcast
    expect(broadcast.event).toBe('digitando')
    expect(broadcast.encoding).toBe('json')
    expect(JSON.parse(broadcast.payload.toString('utf8'))).toEqual({ quem: 'Carla 👩‍🔧' })
  })

  it('keeps binary payloads and allowed metadata of a kind-3 push', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255])
    const raw = clientEncode({
      join_ref: '1', ref: '2', topic: 'realtime:files', event: 'broadcast',
      payload: { type: 'broadcast', event: 'chunk', payload: bytes.buffer, persist: true },
    })
    const broadcast = decodeFrame(Buffer.from(raw as ArrayBuffer), true, '2.0.0').payload as UserBroadcast
    expect(broadcast.encoding).toBe('binary')
    expect([...broadcast.payload]).toEqual([0, 1, 2, 250, 255])
    expect(broadcast.metadata).toEqual({ persist: true })
  })

  it('encodes user broadcasts as kind-4 frames realtime-js decodes', () => {
    const frame = encodeUserBroadcast('realtime:sala-técnica', {
      event: 'digitando', encoding: 'json', payload: Buffer.from(JSON.stringify({ quem: 'Diego' })),
    })
    expect(frame[0]).toBe(4)
    expect(clientDecode(toArrayBuffer(frame))).toEqual({
      join_ref: null, ref: null, topic: 'realtime:sala-técnica', event: 'broadcast',
      payload: { type: 'broadcast', event: 'digitando', payload: { quem: 'Diego' } },
    })
  })

  it('encodes binary payloads and metadata in kind-4 frames', () => {
    const frame = encodeUserBroadcast('realtime:files', {
      event: 'chunk', encoding: 'binary', payload: Buffer.from([9, 8, 7]), metadata: { id: 'abc' },
    })
    const decoded = clientDecode(toArrayBuffer(frame)) as { payload: { payload: ArrayBuffer, meta: unknown } }
    expect([...new Uint8Array(decoded.payload.payload)]).toEqual([9, 8, 7])
    expect(decoded.payload.meta).toEqual({ id: 'abc' })
  })

  it('round-trips its own kind-3 encoder through the decoder', () => {
    const frame = encodeUserBroadcastPush({ joinRef: '3', ref: null, topic: 'realtime:a' }, {
      event: 'e', encoding: 'json', payload: Buffer.from('{"n":1}'),
    })
    const message = decodeFrame(frame, true, '2.0.0')
    expect(message.joinRef).toBe('3')
    expect(message.ref).toBeNull()
    expect(JSON.parse((message.payload as UserBroadcast).payload.toString())).toEqual({ n: 1 })
  })

  it('encodes replies as JSON arrays the client decodes', () => {
    const text = encodeMessage({ joinRef: '1', ref: '4', topic: 'realtime:room', event: 'phx_reply', payload: { status: 'ok', response: {} } }, '2.0.0')
    expect(JSON.parse(text)).toEqual(['1', '4', 'realtime:room', 'phx_reply', { status: 'ok', response: {} }])
    expect(clientDecode(text)).toEqual({ join_ref: '1', ref: '4', topic: 'realtime:room', event: 'phx_reply', payload: { status: 'ok', response: {} } })
  })

  it('rejects malformed frames', () => {
    expect(() => decodeFrame('{"topic":"x"}', false, '2.0.0')).toThrow(FrameError)
    expect(() => decodeFrame('not json', false, '2.0.0')).toThrow(FrameError)
    expect(() => decodeFrame(Buffer.from([3, 10, 0, 0, 0, 0, 1]), true, '2.0.0')).toThrow(FrameError)
    expect(() => decodeFrame(Buffer.from([4, 0, 0, 0, 1]), true, '2.0.0')).toThrow(FrameError)
    expect(() => encodeUserBroadcast('t'.repeat(256), { event: 'e', encoding: 'json', payload: Buffer.from('{}') })).toThrow(FrameError)
  })
})

describe('realtime frames, protocol 1.0.0', () => {
  it('decodes JSON objects', () => {
    const raw = JSON.stringify({ join_ref: '1', ref: '2', topic: 'realtime:room', event: 'broadcast', payload: { type: 'broadcast', event: 'x', payload: {} } })
    expect(decodeFrame(raw, false, '1.0.0')).toEqual({
      joinRef: '1', ref: '2', topic: 'realtime:room', event: 'broadcast', payload: { type: 'broadcast', event: 'x', payload: {} },
    })
  })

  it('encodes only topic, event, payload and ref, as Phoenix V1 does', () => {
    const text = encodeMessage({ joinRef: '1', ref: '2', topic: 'realtime:room', event: 'phx_reply', payload: { status: 'ok', response: {} } }, '1.0.0')
    expect(JSON.parse(text)).toEqual({ topic: 'realtime:room', event: 'phx_reply', payload: { status: 'ok', response: {} }, ref: '2' })
  })

  it('refuses binary frames', () => {
    expect(() => decodeFrame(Buffer.from([3, 0, 0, 0, 0, 0, 1]), true, '1.0.0')).toThrow(FrameError)
  })
})
