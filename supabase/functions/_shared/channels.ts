/**
 * A channel with its provider credentials, as the WhatsApp functions need it. Credentials live in
 * channel_secrets, which only the service role can read, so every loader here takes the service client.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import type { ProviderName } from './providers/types.ts'

export interface EvolutionCredentials {
  /** Evolution server root, no trailing slash (`https://evo.example.com`, the simulator's `/evolution` locally). */
  baseUrl: string
  /** The server's global key (creates and deletes instances). */
  apiKey: string
  instance: string
  /** The instance's own token (Evolution `hash`), when known; sends may use it instead of the global key. */
  instanceToken: string | null
}

export interface CloudCredentials {
  /** Graph API root without the version (`https://graph.facebook.com`). */
  graphBaseUrl: string
  graphVersion: string
  phoneNumberId: string
  accessToken: string
  appSecret: string
  verifyToken: string
  wabaId: string | null
}

export interface ChannelConfig {
  id: string
  name: string
  provider: ProviderName
  active: boolean
  connectionState: string
  phoneNumber: string | null
  acceptGroupMessages: boolean
  /** Test mode: only these phones (digits) are served; null = everyone. */
  allowedPhones: string[] | null
  /** Evolution sends it back in `x-atende-webhook-secret`. */
  webhookSecret: string
  /** Null until the admin filled the provider's fields (or for the other provider). */
  evolution: EvolutionCredentials | null
  cloud: CloudCredentials | null
}

interface ChannelRow {
  id: string
  name: string
  provider: ProviderName
  active: boolean
  connection_state: string
  phone_number: string | null
  accept_group_messages: boolean
  allowed_phones: string[] | null
}

/** A channel_secrets row with its channel nested (`channels`), as the loaders and receive_webhook_event return it. */
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
  channels: ChannelRow
}

const SELECT = '*, channels!inner(id, name, provider, active, connection_state, phone_number, accept_group_messages, allowed_phones)'

export function channelConfigFromRow(row: SecretsRow): ChannelConfig {
  const channel = row.channels
  const evolution = channel.provider === 'evolution' && row.evolution_base_url && row.evolution_api_key && row.evolution_instance_name
    ? {
        baseUrl: row.evolution_base_url.replace(/\/+$/, ''),
        apiKey: row.evolution_api_key,
        instance: row.evolution_instance_name,
        instanceToken: row.evolution_instance_token,
      }
    : null
  const cloud = channel.provider === 'cloud' && row.cloud_phone_number_id && row.cloud_access_token
    ? {
        graphBaseUrl: row.cloud_graph_base_url.replace(/\/+$/, ''),
        graphVersion: row.cloud_graph_version,
        phoneNumberId: row.cloud_phone_number_id,
        accessToken: row.cloud_access_token,
        appSecret: row.cloud_app_secret ?? '',
        verifyToken: row.cloud_verify_token ?? '',
        wabaId: row.cloud_waba_id,
      }
    : null
  return {
    id: channel.id,
    name: channel.name,
    provider: channel.provider,
    active: channel.active,
    connectionState: channel.connection_state,
    phoneNumber: channel.phone_number,
    acceptGroupMessages: channel.accept_group_messages,
    allowedPhones: channel.allowed_phones,
    webhookSecret: row.webhook_secret,
    evolution,
    cloud,
  }
}

async function loadOne(query: PromiseLike<{ data: unknown, error: { message: string } | null }>): Promise<ChannelConfig | null> {
  const { data, error } = await query
  if (error) throw new Error(`loading a channel failed: ${error.message}`)
  return data ? channelConfigFromRow(data as SecretsRow) : null
}

export function loadChannelById(service: SupabaseClient, channelId: string): Promise<ChannelConfig | null> {
  return loadOne(service.from('channel_secrets').select(SELECT).eq('channel_id', channelId).maybeSingle())
}

/**
 * Cloud webhooks name the receiving number (`metadata.phone_number_id`). (The webhook itself reads the
 * channel a request names together with storing it: receive_webhook_event, _shared/ingest/ledger.ts.)
 */
export function loadChannelByCloudPhoneNumberId(service: SupabaseClient, phoneNumberId: string): Promise<ChannelConfig | null> {
  return loadOne(service.from('channel_secrets').select(SELECT).eq('cloud_phone_number_id', phoneNumberId).maybeSingle())
}

/**
 * Channels with their credentials, kept a few seconds per isolate, looked up by the key a webhook names
 * (Evolution instance, Cloud phone number id), so most webhooks are authenticated without a database
 * read. A request is still authenticated every time, against this copy; what the copy can get wrong:
 * - after a secret is rotated, the old one keeps being accepted for at most `ttlMs`, or until a request
 *   carrying the new one (which fails against the copy, so the caller reloads it: see `forget`);
 * - the channel's flags (active, group messages, allow-list) apply up to `ttlMs` late.
 * Bot settings are never cached here: ingestion reads them fresh with every message.
 */
export class ChannelCache {
  private readonly entries = new Map<string, { channel: ChannelConfig, expiresAt: number }>()

  constructor(private readonly ttlMs: number, private readonly clock: () => number = Date.now, private readonly maxEntries = 1000) {}

  get(provider: ProviderName, key: string): ChannelConfig | null {
    const entry = this.entries.get(`${provider}:${key}`)
    if (!entry) return null
    if (entry.expiresAt <= this.clock()) {
      this.entries.delete(`${provider}:${key}`)
      return null
    }
    return entry.channel
  }

  set(provider: ProviderName, key: string, channel: ChannelConfig): void {
    // Bounded: when full it starts over (each channel costs one read to come back).
    if (this.entries.size >= this.maxEntries) this.entries.clear()
    this.entries.set(`${provider}:${key}`, { channel, expiresAt: this.clock() + this.ttlMs })
  }

  forget(provider: ProviderName, key: string): void {
    this.entries.delete(`${provider}:${key}`)
  }
}

/** Where providers must send webhooks for this project (`<SUPABASE_URL>/functions/v1/whatsapp-webhook/<provider>`). */
export function webhookUrl(supabaseUrl: string, provider: ProviderName): string {
  return `${supabaseUrl.replace(/\/+$/, '')}/functions/v1/whatsapp-webhook/${provider}`
}
