/** What every gateway service receives: keys, a superuser pool and the stack's addresses. */
import type pg from 'pg'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { StackKeys } from './keys.ts'

export interface GatewayContext {
  keys: StackKeys
  /** Superuser pool: platform services set role and claims per transaction themselves. */
  db: pg.Pool
  /** Public base URL of the gateway, e.g. http://127.0.0.1:54321 */
  publicUrl: string
  /** Data folder of this stack instance (storage files live under it). */
  dataDir: string
  /** Owner (`postgres`) connection string, given to functions as SUPABASE_DB_URL. */
  ownerDbUrl: string
  ports: { postgrest: number, functions: number }
  log: (line: string) => void
  /** Development mode: services may watch source files (functions) and reload. */
  watchFunctions: boolean
  /** Reports that a service's child process died: the stack stops with this error. */
  fail: (error: Error) => void
}

/** Handles a request whose URL path has had the service prefix (e.g. /auth/v1) removed. */
export type ServiceHandler = (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => Promise<void>

export interface GatewayService {
  handle: ServiceHandler
  /** Optional WebSocket upgrade for this service's prefix. */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer, path: string, query: URLSearchParams) => void
  start?: () => Promise<void>
  stop?: () => Promise<void>
}
