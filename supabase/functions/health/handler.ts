/**
 * `health`: is the backend usable? Answers 200 `{status: 'ok'}` when the database answers through the
 * Data API (PostgREST), else 503 `{status: 'degraded'}`. Open to anyone (verify_jwt = false) so uptime
 * probes need no token; it reveals no data, only which check failed.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import { createHandler, jsonResponse, requireMethod, type RequestHandler } from '../_shared/http.ts'

type CheckStatus = 'ok' | 'unreachable'

export interface HealthChecks {
  /** Resolves when the database answers; rejects with the reason otherwise. */
  database: () => Promise<void>
}

export function createHealthHandler(checks: HealthChecks, now: () => Date = () => new Date()): RequestHandler {
  return createHandler('health', async (request) => {
    requireMethod(request, ['GET', 'POST'])
    let database: CheckStatus = 'ok'
    try {
      await checks.database()
    }
    catch (error) {
      console.error('[health] database check failed:', error)
      database = 'unreachable'
    }
    const healthy = database === 'ok'
    return jsonResponse({ status: healthy ? 'ok' : 'degraded', time: now().toISOString(), checks: { database } }, healthy ? 200 : 503)
  })
}

/** The cheapest query that still needs a live database: one row's id, headers only, no retries. */
export function databaseCheck(client: SupabaseClient, timeoutMs = 3000): () => Promise<void> {
  return async () => {
    const { error } = await client.from('profiles').select('id', { head: true }).limit(1)
      .retry(false)
      .abortSignal(AbortSignal.timeout(timeoutMs))
    if (error) throw new Error(`profiles probe failed: ${error.code || error.message}`, { cause: error })
  }
}
