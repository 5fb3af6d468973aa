/**
 * `analytics-api` (GET): the analytics views for Power BI and other tools, read with an API key that an
 * admin created in Administração → Chaves de API (docs/powerbi.md, path B).
 *
 * - `GET /functions/v1/analytics-api` → the datasets (name, description, incremental column) and how to
 *   call; a key is optional here (with one, its scopes are shown and it is checked).
 * - `GET /functions/v1/analytics-api/<dataset>?limit=1000&since=<ISO>&cursor=<next_cursor>&format=json|csv`
 *   → `{ dataset, count, data, next_cursor, next_url }`, or CSV with the cursor in `X-Next-Cursor` and `Link`.
 *
 * The key comes in `x-api-key`, `Authorization: Bearer`, or `?api_key=` (Power BI's "Web API" credential
 * keeps it encrypted there). Only its SHA-256 leaves the function, in one authorize_api_key call per
 * request, which also applies the rate limit and records the last use: 401 (missing, unknown, revoked,
 * expired; WWW-Authenticate), 403 (dataset outside the key's scopes), 429 (Retry-After). The key is never
 * logged: unexpected errors log the path only, and next_url never carries it.
 *
 * verify_jwt is off for this function (supabase/config.toml): Power BI sends no Supabase JWT.
 */
import type { SupabaseEnv } from '../_shared/env.ts'
import { UserError } from '../_shared/errors.ts'
import { createHandler, type RequestHandler } from '../_shared/http.ts'
import { createServiceClient } from '../_shared/supabase.ts'
import { apiKeyOf, FUNCTION_NAME, parsePageQuery, parseRoute, sha256Hex } from './request.ts'
import { indexResponse, methodNotAllowed, missingKey, notFound, pageResponse, refusal, unknownDataset, userErrorResponse } from './responses.ts'
import { type AnalyticsStore, type Authorization, createAnalyticsStore, type DatasetInfo } from './store.ts'

export interface AnalyticsApiOptions {
  /** Tests pass a fake; otherwise the RPCs go through a service client. */
  store?: AnalyticsStore
  now?: () => number
}

/** The dataset list changes only with a migration: read it once in a while, not on every request. */
const DATASETS_TTL_MS = 5 * 60_000

function cachedDatasets(store: AnalyticsStore, now: () => number): () => Promise<DatasetInfo[]> {
  let cached: { at: number, list: Promise<DatasetInfo[]> } | undefined
  return () => {
    if (!cached || now() - cached.at > DATASETS_TTL_MS) {
      const list = store.datasets()
      cached = { at: now(), list }
      list.catch(() => {
        if (cached?.list === list) cached = undefined
      })
    }
    return cached.list
  }
}

export function createAnalyticsApiHandler(env: SupabaseEnv, options: AnalyticsApiOptions = {}): RequestHandler {
  // Service role: the caller holds an API key, not a Supabase session, and authorize_api_key and
  // analytics_page are granted to service_role only (the views show the whole company's data). The key
  // check below is what stands between a caller and them.
  const store = options.store ?? createAnalyticsStore(createServiceClient(env))
  const datasets = cachedDatasets(store, options.now ?? Date.now)
  // The public address (next_url, the index): the request's own URL is the functions host's, not the gateway's.
  const base = `${env.url.replace(/\/+$/, '')}/functions/v1/${FUNCTION_NAME}`

  async function authorize(key: string, dataset: string | null): Promise<Extract<Authorization, { ok: true }>> {
    const answer = await store.authorize(await sha256Hex(key), dataset)
    if (!answer.ok) throw refusal(answer.status, answer.code, answer.message, answer.retry_after)
    return answer
  }

  async function serve(request: Request): Promise<Response> {
    if (request.method !== 'GET') throw methodNotAllowed()
    const url = new URL(request.url)
    const route = parseRoute(url.pathname)
    if (route.kind === 'not_found') throw notFound()
    const key = apiKeyOf(request, url)

    if (route.kind === 'index') {
      const scopes = key ? (await authorize(key, null)).scopes : null
      return indexResponse(base, await datasets(), scopes)
    }

    if (!key) throw missingKey()
    const known = await datasets()
    const dataset = known.find(candidate => candidate.name === route.dataset)
    // The key first: without a valid one the answer is a 401 whatever the path.
    await authorize(key, dataset ? dataset.name : null)
    if (!dataset) throw unknownDataset(route.dataset, known)

    const query = parsePageQuery(url.searchParams)
    const page = await store.page({ dataset: dataset.name, since: query.since, after: query.cursor, limit: query.limit })
    return pageResponse(base, dataset, query, page)
  }

  return createHandler(FUNCTION_NAME, async (request) => {
    try {
      return await serve(request)
    }
    catch (error) {
      // User errors here carry headers (WWW-Authenticate, Retry-After…); anything else goes to the shared model (500, logged).
      if (error instanceof UserError) return userErrorResponse(error)
      throw error
    }
  })
}
