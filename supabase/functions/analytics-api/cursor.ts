/**
 * The paging cursor: the `next` object analytics_page returns (the paging key of the page's last row,
 * e.g. `{ "updated_at": "…", "ticket_id": "…" }`), as base64url JSON so it travels in a query string
 * untouched. Opaque to callers; the database checks its keys and types again (invalid_cursor).
 */
import { UserError } from '../_shared/errors.ts'

export type CursorValue = string | number | boolean | null
export type Cursor = Record<string, CursorValue>

/** Longer than any real cursor (a timestamp and a uuid are ~90 characters encoded). */
const MAX_CURSOR_LENGTH = 1024

export const invalidCursor = () =>
  new UserError(400, 'invalid_cursor', 'Cursor inválido: use o valor de next_cursor devolvido pela página anterior, sem alterá-lo.', { parameter: 'cursor' })

function toBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(text: string): Uint8Array {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
  return Uint8Array.from(binary, char => char.charCodeAt(0))
}

export function encodeCursor(cursor: Cursor): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify(cursor)))
}

/** The cursor a caller sent back, or a 400 when it is not one we could have made. */
export function decodeCursor(text: string): Cursor {
  if (text.length === 0 || text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) throw invalidCursor()
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(text)))
  }
  catch {
    throw invalidCursor()
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidCursor()
  const entries = Object.entries(parsed)
  if (entries.length === 0 || entries.some(([, value]) => value !== null && typeof value === 'object')) throw invalidCursor()
  return parsed as Cursor
}
