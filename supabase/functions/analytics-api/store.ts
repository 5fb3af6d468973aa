/**
 * The database side of analytics-api: three service-role RPCs (supabase/migrations/*_analytics_api.sql).
 * Behind an interface so the handler's unit tests run without a database.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import { UserError } from '../_shared/errors.ts'
import { type Cursor, invalidCursor } from './cursor.ts'

export interface DatasetInfo {
  name: string
  description: string
  /** The column `since` filters on (updated_at, created_at or day). */
  change_column: string
  /**
   * The view's columns in its order, when the database lists them: jsonb sorts a row's keys by length,
   * so without this list the CSV header and JSON keys come in that order, and an empty CSV page has no header.
   */
  columns?: string[]
}

/** authorize_api_key's answer. */
export type Authorization
  = | { ok: true, status: 200, key_id: string, scopes: string[] }
    | { ok: false, status: 401 | 403 | 429, code: string, message: string, retry_after?: number }

export interface AnalyticsPage {
  rows: Record<string, unknown>[]
  /** The last row's paging key; null on the last page. */
  next: Cursor | null
}

export interface PageRequest {
  dataset: string
  since: string | null
  after: Cursor | null
  limit: number
}

export interface AnalyticsStore {
  datasets(): Promise<DatasetInfo[]>
  /** Checks the key (by its SHA-256) for a dataset (null: any), counts the request, records the last use. */
  authorize(keyHash: string, dataset: string | null): Promise<Authorization>
  page(request: PageRequest): Promise<AnalyticsPage>
}

/** The store on the service client (authorize_api_key and analytics_page are granted to service_role only). */
export function createAnalyticsStore(service: SupabaseClient): AnalyticsStore {
  return {
    async datasets() {
      const { data, error } = await service.rpc('analytics_datasets')
      if (error) throw new Error(`analytics_datasets failed: ${error.message}`)
      return data as DatasetInfo[]
    },

    async authorize(keyHash, dataset) {
      const { data, error } = await service.rpc('authorize_api_key', { p_key_hash: keyHash, p_dataset: dataset })
      if (error) throw new Error(`authorize_api_key failed: ${error.message}`)
      return data as Authorization
    },

    async page({ dataset, since, after, limit }) {
      const { data, error } = await service.rpc('analytics_page', { p_dataset: dataset, p_since: since, p_after: after, p_limit: limit })
      if (error) {
        // A cursor can be well-formed JSON and still not fit the dataset (other keys, a value of the wrong type).
        if (error.message === 'invalid_cursor' || error.code === '22P02' || error.code === '22007' || error.code === '22008') throw invalidCursor()
        if (error.message === 'unknown_dataset') throw new UserError(404, 'unknown_dataset', error.details || 'Conjunto de dados desconhecido.')
        throw new Error(`analytics_page failed: ${error.code} ${error.message}`)
      }
      return data as AnalyticsPage
    },
  }
}
