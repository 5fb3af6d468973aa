/**
 * The rows whatsapp-connect reads and writes, through the service client: `channel_secrets` has no
 * privilege for any browser role, and the channel state and QR change only through the service-role RPCs
 * `record_channel_connection` / `record_channel_qr` (the same ones the webhook uses), whose changes reach
 * the admin's screen through Realtime.
 */
import type { PostgrestError, SupabaseClient } from '@supabase/supabase-js'
import { UserError } from '../_shared/errors.ts'
import type { ChannelConnectionState } from '../_shared/providers/evolution-instance.ts'
import type { ProviderName } from '../_shared/providers/types.ts'

export interface ChannelRecord {
  id: string
  name: string
  provider: ProviderName
  connectionState: ChannelConnectionState
  stateReason: string | null
  phoneNumber: string | null
}

/** `channel_secrets` as stored (snake_case: written back as is). */
export interface SecretsRow {
  webhook_secret: string
  evolution_base_url: string | null
  evolution_api_key: string | null
  evolution_instance_name: string | null
  evolution_instance_token: string | null
  cloud_access_token: string | null
  cloud_app_secret: string | null
  cloud_verify_token: string | null
  cloud_phone_number_id: string | null
  cloud_waba_id: string | null
  cloud_graph_base_url: string
  cloud_graph_version: string
}

export type SecretsUpdate = Partial<Omit<SecretsRow, 'webhook_secret'>>

/** The QR (or pairing code) the channel shows now. */
export interface ShownQr {
  qrCode: string | null
  pairingCode: string | null
  expiresAt: Date | null
}

interface ChannelRow {
  id: string
  name: string
  provider: ProviderName
  connection_state: ChannelConnectionState
  state_reason: string | null
  phone_number: string | null
}

const CHANNEL_COLUMNS = 'id, name, provider, connection_state, state_reason, phone_number'
// One literal, so supabase-js can type the selection.
const SECRET_COLUMNS = 'webhook_secret, evolution_base_url, evolution_api_key, evolution_instance_name, evolution_instance_token, cloud_access_token, cloud_app_secret, cloud_verify_token, cloud_phone_number_id, cloud_waba_id, cloud_graph_base_url, cloud_graph_version'

function toChannel(row: ChannelRow): ChannelRecord {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    connectionState: row.connection_state,
    stateReason: row.state_reason,
    phoneNumber: row.phone_number,
  }
}

function failed(what: string, error: PostgrestError): Error {
  return new Error(`${what} failed: ${error.message}`)
}

/** Two channels cannot share an Evolution instance or a Cloud number: the webhook finds the channel by them. */
function uniqueViolation(error: PostgrestError): UserError | null {
  if (error.code !== '23505') return null
  const text = `${error.message} ${error.details ?? ''}`
  if (text.includes('cloud_phone_number_id')) {
    return new UserError(409, 'phone_number_in_use', 'Este número da Meta (Phone number ID) já está em outra conexão do Atende.')
  }
  if (text.includes('evolution_instance_name')) {
    return new UserError(409, 'instance_in_use', 'Esta instância da Evolution API já está em outra conexão do Atende.')
  }
  return null
}

/** What the actions use (an in-memory fake in the unit tests). */
export interface ConnectStore {
  loadChannel(channelId: string): Promise<ChannelRecord | null>
  loadSecrets(channelId: string): Promise<SecretsRow | null>
  saveSecrets(channelId: string, values: SecretsUpdate): Promise<SecretsRow>
  recordConnection(channelId: string, state: ChannelConnectionState, reason?: string | null, phoneNumber?: string | null): Promise<ChannelRecord>
  recordQr(channelId: string, qrCode: string | null, pairingCode: string | null, expiresAt: Date): Promise<boolean>
  loadQr(channelId: string): Promise<ShownQr | null>
}

export class ChannelStore implements ConnectStore {
  constructor(private readonly service: SupabaseClient) {}

  async loadChannel(channelId: string): Promise<ChannelRecord | null> {
    const { data, error } = await this.service.from('channels').select(CHANNEL_COLUMNS).eq('id', channelId).maybeSingle()
    if (error) throw failed('loading the channel', error)
    return data ? toChannel(data as ChannelRow) : null
  }

  /** Null until the first setup: the admin creates the channel row alone, through REST. */
  async loadSecrets(channelId: string): Promise<SecretsRow | null> {
    const { data, error } = await this.service.from('channel_secrets').select(SECRET_COLUMNS).eq('channel_id', channelId).maybeSingle()
    if (error) throw failed('loading the channel secrets', error)
    return data as SecretsRow | null
  }

  /**
   * Creates the row (with a fresh webhook secret, the column default) or changes only the given columns:
   * an upsert merges just the columns it sends, so the webhook secret and the other provider's fields stay.
   */
  async saveSecrets(channelId: string, values: SecretsUpdate): Promise<SecretsRow> {
    const { data, error } = await this.service
      .from('channel_secrets')
      .upsert({ channel_id: channelId, ...values, updated_at: new Date().toISOString() }, { onConflict: 'channel_id' })
      .select(SECRET_COLUMNS)
      .single()
    if (error) throw uniqueViolation(error) ?? failed('saving the channel secrets', error)
    return data as SecretsRow
  }

  async recordConnection(channelId: string, state: ChannelConnectionState, reason: string | null = null, phoneNumber: string | null = null): Promise<ChannelRecord> {
    const { data, error } = await this.service.rpc('record_channel_connection', {
      p_channel_id: channelId,
      p_state: state,
      p_reason: reason,
      p_phone_number: phoneNumber,
    })
    if (error) throw failed('recording the connection state', error)
    return toChannel(data as ChannelRow)
  }

  /** False when the channel is already connected (a QR that arrives then is stale and ignored). */
  async recordQr(channelId: string, qrCode: string | null, pairingCode: string | null, expiresAt: Date): Promise<boolean> {
    const { data, error } = await this.service.rpc('record_channel_qr', {
      p_channel_id: channelId,
      p_qr_code: qrCode,
      p_pairing_code: pairingCode,
      p_expires_at: expiresAt.toISOString(),
    })
    if (error) throw failed('recording the QR code', error)
    return data === true
  }

  async loadQr(channelId: string): Promise<ShownQr | null> {
    const { data, error } = await this.service.from('channel_qr_codes').select('qr_code, pairing_code, expires_at').eq('channel_id', channelId).maybeSingle()
    if (error) throw failed('loading the QR code', error)
    const row = data as { qr_code: string | null, pairing_code: string | null, expires_at: string | null } | null
    if (!row) return null
    return { qrCode: row.qr_code, pairingCode: row.pairing_code, expiresAt: row.expires_at === null ? null : new Date(row.expires_at) }
  }

  /** Whether the caller may use this function: an active admin. */
  async isActiveAdmin(userId: string): Promise<boolean> {
    const { data, error } = await this.service.from('profiles').select('role, active').eq('id', userId).maybeSingle()
    if (error) throw failed('loading the caller\'s profile', error)
    const profile = data as { role: string, active: boolean } | null
    return profile?.role === 'admin' && profile.active
  }
}
