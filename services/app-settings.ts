/**
 * app_settings data layer: the company's one settings row. Every signed-in user reads it (time zone,
 * whether closing needs a classification, the Power BI report); admins change it (RLS) with one UPDATE
 * that also checks nobody saved in between (`updated_at` as the version).
 */
import type { PostgrestError } from '@supabase/supabase-js'
import { POWERBI_DISPLAY_MODES, SETTINGS_ERRORS, type PowerBiDisplayMode, type SettingsErrorReason } from '~/constants/settings'
import type { Tables } from '~/types/database'
import type { AppSupabaseClient } from '~/types/supabase'
import { RpcError, rpcError } from './errors'

export type AppSettings = Omit<Tables<'app_settings'>, 'id' | 'powerbi_display_mode'> & { powerbi_display_mode: PowerBiDisplayMode }

/** What the Configurações screen edits (the columns admins may update). */
export type AppSettingsChanges = Pick<AppSettings, 'company_name' | 'timezone' | 'classification_required' | 'powerbi_report_url' | 'powerbi_display_mode'>

const COLUMNS = 'company_name, timezone, classification_required, powerbi_report_url, powerbi_display_mode, updated_at, updated_by'

/** The display mode column holds only its check constraint's values. */
function toAppSettings(row: Omit<Tables<'app_settings'>, 'id'>): AppSettings {
  const mode = (POWERBI_DISPLAY_MODES as readonly string[]).includes(row.powerbi_display_mode) ? row.powerbi_display_mode as PowerBiDisplayMode : 'new_tab'
  return { ...row, powerbi_display_mode: mode }
}

function refusal(reason: SettingsErrorReason, code: string, status: number): RpcError {
  return new RpcError(reason, code, status, SETTINGS_ERRORS[reason], null)
}

/** PostgREST's failure, with our pt-BR sentence where the database gave none (check violations). */
function saveError(error: PostgrestError, status: number): RpcError {
  if (error.code === '23514' && error.message.includes('powerbi_report_url')) return refusal('invalid_powerbi_url', error.code, status)
  const failure = rpcError(error, status)
  const known = failure.reason in SETTINGS_ERRORS ? failure.reason as SettingsErrorReason : null
  if (known && !failure.detail) return refusal(known, failure.code, status)
  return failure
}

export async function fetchAppSettings(client: AppSupabaseClient): Promise<AppSettings> {
  const { data, error, status } = await client.from('app_settings').select(COLUMNS).single()
  if (error) throw rpcError(error, status)
  return toAppSettings(data)
}

/**
 * Saves the admin's changes in one UPDATE, only if the row is still the version they loaded
 * (`expectedUpdatedAt`). No row back means someone saved in between (`stale_settings`) or the caller is
 * not an admin (RLS hides the row from the update: `not_allowed`); a second read tells which.
 */
export async function updateAppSettings(client: AppSupabaseClient, changes: AppSettingsChanges, expectedUpdatedAt: string): Promise<AppSettings> {
  const { data, error, status } = await client.from('app_settings')
    .update(changes)
    .eq('id', true)
    .eq('updated_at', expectedUpdatedAt)
    .select(COLUMNS)
    .maybeSingle()
  if (error) throw saveError(error, status)
  if (data) return toAppSettings(data)
  const current = await fetchAppSettings(client)
  if (current.updated_at !== expectedUpdatedAt) throw refusal('stale_settings', 'P0001', 409)
  throw refusal('not_allowed', '42501', 403)
}
