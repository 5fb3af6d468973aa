/**
 * WhatsApp connections data layer (Administração → Conexões). The channel row itself is plain REST
 * (RLS: admins write); credentials, instances and QR codes go through the `whatsapp-connect` edge
 * function, because no browser role may read or write `channel_secrets`. Live state comes through
 * Realtime on `channels` and `channel_qr_codes`.
 */
import { toChannel } from '~/services/catalogues'
import { invokeFunction, rpcError } from '~/services/errors'
import { subscribeToTable, type LiveStatus } from '~/services/realtime'
import type { Tables, TablesUpdate } from '~/types/database'
import type { Channel, ConnectionState } from '~/types/domain'
import type { AppSupabaseClient } from '~/types/supabase'

export { toChannel }

/** The QR code (or pairing code) an Evolution channel is waiting to have scanned. */
export interface ChannelQrCode {
  channelId: string
  qrCode: string | null
  pairingCode: string | null
  expiresAt: string | null
  updatedAt: string
}

export function toQrCode(row: Tables<'channel_qr_codes'>): ChannelQrCode {
  return { channelId: row.channel_id, qrCode: row.qr_code, pairingCode: row.pairing_code, expiresAt: row.expires_at, updatedAt: row.updated_at }
}

/** The columns an admin edits on the row (the state columns belong to the edge functions). */
export interface ChannelFields {
  name: string
  color: string
  is_default: boolean
  active: boolean
  accept_group_messages: boolean
  /** Test mode: null = everyone is served. */
  allowed_phones: string[] | null
}

export type ChannelPatch = Partial<ChannelFields>

// Rows -----------------------------------------------------------------------------------------------

export async function fetchChannels(client: AppSupabaseClient): Promise<Channel[]> {
  const { data, error, status } = await client.from('channels').select('*').order('name')
  if (error) throw rpcError(error, status)
  return data.map(toChannel)
}

export async function fetchChannel(client: AppSupabaseClient, id: string): Promise<Channel | null> {
  const { data, error, status } = await client.from('channels').select('*').eq('id', id).maybeSingle()
  if (error) throw rpcError(error, status)
  return data ? toChannel(data) : null
}

export async function createChannel(client: AppSupabaseClient, provider: Channel['provider'], fields: ChannelFields): Promise<Channel> {
  const { data, error, status } = await client.from('channels').insert({ ...fields, provider }).select('*').single()
  if (error) throw rpcError(error, status)
  return toChannel(data)
}

export async function updateChannel(client: AppSupabaseClient, id: string, patch: ChannelPatch): Promise<Channel> {
  const update: TablesUpdate<'channels'> = { ...patch }
  const { data, error, status } = await client.from('channels').update(update).eq('id', id).select('*').single()
  if (error) throw rpcError(error, status)
  return toChannel(data)
}

/** Whether any ticket (open or closed) came through the connection: such a one cannot be deleted. */
export async function channelHasTickets(client: AppSupabaseClient, id: string): Promise<boolean> {
  const { data, error, status } = await client.from('tickets').select('id').eq('channel_id', id).limit(1)
  if (error) throw rpcError(error, status)
  return data.length > 0
}

/** Refused with `channel_has_history` (P0001, pt-BR detail) once the channel has tickets. */
export async function deleteChannel(client: AppSupabaseClient, id: string): Promise<void> {
  const { error, status } = await client.from('channels').delete().eq('id', id)
  if (error) throw rpcError(error, status)
}

export async function fetchQrCode(client: AppSupabaseClient, channelId: string): Promise<ChannelQrCode | null> {
  const { data, error, status } = await client.from('channel_qr_codes').select('*').eq('channel_id', channelId).maybeSingle()
  if (error) throw rpcError(error, status)
  return data ? toQrCode(data) : null
}

// whatsapp-connect -----------------------------------------------------------------------------------

/** Every Evolution action answers with the state it left the channel in (and the QR when there is one). */
export interface EvolutionAnswer {
  state: ConnectionState
  reason: string | null
  instance: string | null
  qr_code: string | null
  qr_image: string | null
  pairing_code: string | null
  qr_expires_at: string | null
}

/** What the edit form shows of the saved Evolution settings (never the key itself). */
export interface EvolutionDetails {
  base_url: string | null
  instance: string | null
  has_api_key: boolean
}

export interface CloudDetails {
  webhook_url: string
  verify_token: string | null
  phone_number_id: string | null
  waba_id: string | null
}

export interface CloudSetupAnswer extends CloudDetails {
  state: 'connected'
  phone_number: string | null
  display_phone_number: string
  verified_name: string | null
  quality_rating: string | null
}

export interface EvolutionSetupInput {
  /** Omitted: the saved server is used again. */
  baseUrl?: string
  /** Omitted: the saved key is used again (an edit that only changes the server). */
  apiKey?: string
}

export interface CloudSetupInput {
  phoneNumberId: string
  wabaId: string | null
  /** Omitted: the saved one is used again (an edit that does not change it). */
  accessToken?: string
  appSecret?: string
  graphBaseUrl?: string | null
}

function connect<T>(client: AppSupabaseClient, action: string, channelId: string, extra: Record<string, unknown> = {}): Promise<T> {
  return invokeFunction<T>(client, 'whatsapp-connect', { action, channel_id: channelId, ...extra })
}

/** Credentials left out are the saved ones (`keep_saved`): secrets are never read back to be resent. */
export function evolutionSetup(client: AppSupabaseClient, channelId: string, input: EvolutionSetupInput): Promise<EvolutionAnswer> {
  return connect(client, 'evolution.setup', channelId, {
    ...(input.baseUrl ? { base_url: input.baseUrl } : {}),
    ...(input.apiKey ? { api_key: input.apiKey } : {}),
    keep_saved: !input.baseUrl || !input.apiKey,
  })
}

export function evolutionDetails(client: AppSupabaseClient, channelId: string): Promise<EvolutionDetails> {
  return connect(client, 'evolution.details', channelId)
}

export function evolutionConnect(client: AppSupabaseClient, channelId: string, phoneNumber: string | null = null): Promise<EvolutionAnswer> {
  return connect(client, 'evolution.connect', channelId, phoneNumber ? { phone_number: phoneNumber } : {})
}

export function evolutionState(client: AppSupabaseClient, channelId: string): Promise<EvolutionAnswer> {
  return connect(client, 'evolution.state', channelId)
}

export function evolutionLogout(client: AppSupabaseClient, channelId: string): Promise<EvolutionAnswer> {
  return connect(client, 'evolution.logout', channelId)
}

export function evolutionDelete(client: AppSupabaseClient, channelId: string): Promise<EvolutionAnswer> {
  return connect(client, 'evolution.delete', channelId)
}

export function cloudSetup(client: AppSupabaseClient, channelId: string, input: CloudSetupInput): Promise<CloudSetupAnswer> {
  return connect(client, 'cloud.setup', channelId, {
    phone_number_id: input.phoneNumberId,
    waba_id: input.wabaId,
    ...(input.accessToken ? { access_token: input.accessToken } : {}),
    ...(input.appSecret ? { app_secret: input.appSecret } : {}),
    ...(input.graphBaseUrl ? { graph_base_url: input.graphBaseUrl } : {}),
    keep_saved: !input.accessToken || !input.appSecret,
  })
}

export function cloudDetails(client: AppSupabaseClient, channelId: string): Promise<CloudDetails> {
  return connect(client, 'cloud.details', channelId)
}

// Realtime -------------------------------------------------------------------------------------------

export interface LiveHandlers<T> {
  onUpsert: (row: T) => void
  onDelete: (id: string) => void
  /** Back after an interruption: re-read what is shown. */
  onResync: () => void
  onStatus?: (status: LiveStatus) => void
}

/** Every channel's row changes (state, QR status, edits by another admin). Returns the unsubscribe. */
export function subscribeToChannels(client: AppSupabaseClient, handlers: LiveHandlers<Channel>): () => void {
  return subscribeToTable<Tables<'channels'>>(client, {
    table: 'channels',
    onChange: (change) => {
      if (change.type === 'DELETE') {
        if (change.old.id) handlers.onDelete(change.old.id)
        return
      }
      handlers.onUpsert(toChannel(change.row))
    },
    onResync: handlers.onResync,
    onStatus: handlers.onStatus,
  })
}

/** One channel's QR code as it rotates (Evolution sends a new one about every 40 s). */
export function subscribeToQrCode(client: AppSupabaseClient, channelId: string, handlers: LiveHandlers<ChannelQrCode>): () => void {
  return subscribeToTable<Tables<'channel_qr_codes'>>(client, {
    table: 'channel_qr_codes',
    filter: `channel_id=eq.${channelId}`,
    onChange: (change) => {
      if (change.type === 'DELETE') {
        handlers.onDelete(change.old.channel_id ?? channelId)
        return
      }
      handlers.onUpsert(toQrCode(change.row))
    },
    onResync: handlers.onResync,
    onStatus: handlers.onStatus,
  })
}
