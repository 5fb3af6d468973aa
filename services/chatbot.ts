/**
 * Chatbot data layer: a channel's `bot_settings` row and menu (plain REST; every signed-in user may read
 * them, admins write), the company timezone the bot falls back to, and the editor's one save,
 * `save_chatbot` (settings and the whole menu in one transaction, refused with `stale_settings` when
 * someone else saved since the form loaded).
 */
import type { Json } from '~/types/database'
import type { AppSupabaseClient } from '~/types/supabase'
import { DEFAULT_TIMEZONE } from '~/supabase/functions/_shared/chatbot/context'
import type { BotMenuOptionRow, BotSettingsRow, ChatbotOptionPayload, ChatbotSettingsPayload } from '~/utils/chatbot-form'
import { DataRequestError } from '~/utils/errors'
import { rpcError } from './errors'

export interface ChatbotRows {
  settings: BotSettingsRow
  /** In menu order. */
  options: BotMenuOptionRow[]
}

export interface SaveChatbotInput {
  channelId: string
  settings: ChatbotSettingsPayload
  options: ChatbotOptionPayload[]
  /** The `updated_at` of the settings the form was loaded from. */
  expectedUpdatedAt: string
}

/** The channel's bot; null when the channel (and so its settings row) does not exist. */
export async function fetchChatbot(client: AppSupabaseClient, channelId: string): Promise<ChatbotRows | null> {
  const [settings, options] = await Promise.all([
    client.from('bot_settings').select('*').eq('channel_id', channelId).maybeSingle(),
    client.from('bot_menu_options').select('*').eq('channel_id', channelId).order('position'),
  ])
  if (settings.error) throw new DataRequestError(settings.error.message, settings.error.code, settings.status)
  if (options.error) throw new DataRequestError(options.error.message, options.error.code, options.status)
  return settings.data ? { settings: settings.data, options: options.data } : null
}

/** app_settings.timezone: the bot's hours use it when the channel names no timezone. */
export async function fetchCompanyTimezone(client: AppSupabaseClient): Promise<string> {
  const { data, error, status } = await client.from('app_settings').select('timezone').maybeSingle()
  if (error) throw new DataRequestError(error.message, error.code, status)
  return data?.timezone || DEFAULT_TIMEZONE
}

/** Saves settings and menu together; P0001 refusals keep their pt-BR detail and the field in `hint`. */
export async function saveChatbot(client: AppSupabaseClient, input: SaveChatbotInput): Promise<ChatbotRows> {
  const { data, error, status } = await client.rpc('save_chatbot', {
    p_channel_id: input.channelId,
    // Plain JSON objects; their interfaces only lack Json's index signature.
    p_settings: input.settings as unknown as Json,
    p_options: input.options as unknown as Json,
    p_expected_updated_at: input.expectedUpdatedAt,
  })
  if (error) throw rpcError(error, status)
  const saved = data as unknown as { settings: BotSettingsRow, options: BotMenuOptionRow[] | null }
  return { settings: saved.settings, options: saved.options ?? [] }
}
