/**
 * How Meta serializes and signs webhook bodies: JSON with every non-ASCII character and `/` escaped
 * (`"Ol\u00e1"`, `"https:\/\/…"`), so a consumer that re-serializes the parsed body gets different bytes
 * and a different signature (reference B.1.2). Signed with the app secret over those exact bytes.
 */
import { createHmac } from 'node:crypto'

export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u007F-\uFFFF]/g, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/')
}

export function signatureHeaders(appSecret: string, body: string): Record<string, string> {
  return {
    'X-Hub-Signature-256': `sha256=${createHmac('sha256', appSecret).update(body, 'utf8').digest('hex')}`,
    'X-Hub-Signature': `sha1=${createHmac('sha1', appSecret).update(body, 'utf8').digest('hex')}`,
    'User-Agent': 'facebookexternalua',
  }
}
