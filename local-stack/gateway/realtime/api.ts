/**
 * Realtime's REST endpoints: `POST /api/broadcast` (batch; realtime-js falls back to it when `send()`
 * runs on a channel that is not joined) and `POST /api/broadcast/:topic/events/:event` (`httpSend()`,
 * JSON or binary body). Both answer 202 with an empty body; errors use Realtime's shapes: `{message}` and,
 * for invalid input, a changeset's `{errors: {field: [messages]}}` with status 422.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { bearerToken, readBody, sendEmpty, sendJson } from '../http.ts'
import type { StackKeys } from '../keys.ts'
import type { TopicHub } from './hub.ts'
import type { JsonObject } from './serializer.ts'

type ChangesetErrors = Record<string, unknown>

function isObject(value: unknown): value is JsonObject {
  return !!value && typeof value === 'object' && !Array.isArray(value)
}

async function authorized(keys: StackKeys, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const token = bearerToken(req)
  try {
    if (token) {
      await keys.verify(token)
      return true
    }
  }
  catch {
    // falls through to the 401
  }
  sendJson(res, 401, { message: 'Unauthorized' })
  return false
}

async function readJsonBody(req: IncomingMessage, res: ServerResponse): Promise<{ value: unknown } | undefined> {
  const body = await readBody(req)
  try {
    return { value: body.length === 0 ? undefined : JSON.parse(body.toString('utf8')) }
  }
  catch {
    sendJson(res, 400, { message: 'Malformed JSON in request body' })
    return undefined
  }
}

/** Validates a batch as Realtime's BatchBroadcast changeset: messages required, each with topic, event, payload. */
function validateBatch(body: unknown): { messages: JsonObject[] } | { errors: ChangesetErrors } {
  const messages = isObject(body) ? body.messages : undefined
  if (!Array.isArray(messages) || messages.length === 0) return { errors: { messages: ['can\'t be blank'] } }
  let invalid = false
  const perMessage = messages.map((message) => {
    const errors: Record<string, string[]> = {}
    if (!isObject(message)) {
      invalid = true
      return { message: ['is invalid'] }
    }
    for (const field of ['topic', 'event'] as const) {
      if (typeof message[field] !== 'string' || !message[field]) errors[field] = ['can\'t be blank']
    }
    if (message.payload === undefined || message.payload === null) errors.payload = ['can\'t be blank']
    else if (!isObject(message.payload)) errors.payload = ['is invalid']
    if (Object.keys(errors).length > 0) invalid = true
    return errors
  })
  return invalid ? { errors: { messages: perMessage } } : { messages: messages as JsonObject[] }
}

export function createBroadcastApi(keys: StackKeys, hub: TopicHub) {
  async function batch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!await authorized(keys, req, res)) return
    const body = await readJsonBody(req, res)
    if (!body) return
    const result = validateBatch(body.value)
    if ('errors' in result) {
      sendJson(res, 422, { errors: result.errors })
      return
    }
    for (const message of result.messages) {
      // Private topics are authorized by realtime.messages policies, not emulated here; no local
      // channel can join one, so there is nobody to deliver to.
      if (message.private === true) continue
      hub.broadcast(`realtime:${message.topic as string}`, {
        kind: 'json',
        payload: {
          type: 'broadcast',
          event: message.event,
          payload: message.payload,
          ...(typeof message.id === 'string' ? { meta: { id: message.id } } : {}),
        },
      })
    }
    sendEmpty(res, 202)
  }

  async function single(req: IncomingMessage, res: ServerResponse, topic: string, event: string, query: URLSearchParams): Promise<void> {
    if (!await authorized(keys, req, res)) return
    const binary = (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/octet-stream')
    const body = await readBody(req)
    if (!binary) {
      try {
        if (body.length === 0) throw new Error('empty body')
        JSON.parse(body.toString('utf8'))
      }
      catch {
        sendJson(res, 422, { errors: { payload: ['can\'t be blank'] } })
        return
      }
    }
    if (query.get('private') === 'true') {
      sendEmpty(res, 202)
      return
    }
    hub.broadcast(`realtime:${topic}`, { kind: 'user', broadcast: { event, encoding: binary ? 'binary' : 'json', payload: body } })
    sendEmpty(res, 202)
  }

  /** Returns false when the path is not one of these endpoints. */
  return async function handleBroadcastApi(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<boolean> {
    if (req.method !== 'POST') return false
    if (path === '/api/broadcast') {
      await batch(req, res)
      return true
    }
    const match = /^\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(path)
    if (!match) return false
    await single(req, res, decodeURIComponent(match[1]!), decodeURIComponent(match[2]!), query)
    return true
  }
}
