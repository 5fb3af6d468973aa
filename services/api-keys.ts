/**
 * API keys data layer (Administração → Chaves de API). Keys are created and revoked by RPCs that only
 * admins may call (`create_api_key` returns the key in clear this one time; the table keeps its hash,
 * which no browser role can read); the list is a plain select under the admins-only RLS policy.
 */
import { rpcError } from '~/services/errors'
import type { AppSupabaseClient } from '~/types/supabase'

export interface ApiKeyRow {
  id: string
  name: string
  key_prefix: string
  scopes: string[]
  rate_limit_per_minute: number
  created_by: string | null
  /** Who created it, null when that person was removed. */
  creator_name: string | null
  created_at: string
  expires_at: string | null
  revoked_at: string | null
  last_used_at: string | null
}

/** The answer of create_api_key: the only time `key` exists outside the caller's clipboard. */
export interface CreatedApiKey {
  id: string
  name: string
  key: string
  key_prefix: string
  scopes: string[]
  expires_at: string | null
  rate_limit_per_minute: number
  created_at: string
}

export interface AnalyticsDataset {
  name: string
  description: string
  change_column: string
}

export interface NewApiKeyInput {
  name: string
  /** Dataset names, or ['*'] for all. */
  scopes: string[]
  expiresAt: Date | null
  rateLimitPerMinute: number
}

const COLUMNS = 'id, name, key_prefix, scopes, rate_limit_per_minute, created_by, created_at, expires_at, revoked_at, last_used_at, creator:profiles!api_keys_created_by_fkey(full_name)'

export async function fetchApiKeys(client: AppSupabaseClient): Promise<ApiKeyRow[]> {
  const { data, error, status } = await client.from('api_keys').select(COLUMNS).order('created_at', { ascending: false })
  if (error) throw rpcError(error, status)
  return data.map(({ creator, ...row }) => ({ ...row, creator_name: creator?.full_name ?? null }))
}

export async function fetchAnalyticsDatasets(client: AppSupabaseClient): Promise<AnalyticsDataset[]> {
  const { data, error, status } = await client.rpc('analytics_datasets')
  if (error) throw rpcError(error, status)
  return data
}

export async function createApiKey(client: AppSupabaseClient, input: NewApiKeyInput): Promise<CreatedApiKey> {
  const { data, error, status } = await client.rpc('create_api_key', {
    p_name: input.name,
    p_scopes: input.scopes,
    // Omitted, not null: the generated argument type is optional, the SQL default is null.
    ...(input.expiresAt ? { p_expires_at: input.expiresAt.toISOString() } : {}),
    p_rate_limit_per_minute: input.rateLimitPerMinute,
  })
  if (error) throw rpcError(error, status)
  return data as unknown as CreatedApiKey
}

export async function revokeApiKey(client: AppSupabaseClient, keyId: string): Promise<{ revoked_at: string | null }> {
  const { data, error, status } = await client.rpc('revoke_api_key', { p_key_id: keyId })
  if (error) throw rpcError(error, status)
  return { revoked_at: data.revoked_at }
}
