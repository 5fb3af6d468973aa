/**
 * The simulator keeps nothing across restarts, so on every start the stack tells it about the channels
 * in the database that point at it: Evolution channels whose server URL is `<simulator>/evolution` become
 * existing instances (open when the channel is connected), Cloud channels whose Graph base URL is
 * `<simulator>/graph` become registered numbers with a verified callback. Webhooks go to this stack's
 * whatsapp-webhook function.
 */
import type pg from 'pg'
import { DEFAULT_PORTS } from '../config.ts'
import { EVOLUTION_SECRET_HEADER } from '../../supabase/functions/_shared/webhook-auth.ts'
import type { RunningSimulator } from './index.ts'

/** The simulator URL `supabase/seed.sql` writes (the dev port); a fresh test database is pointed at its own. */
export const SEEDED_SIMULATOR_URL = `http://127.0.0.1:${DEFAULT_PORTS.simulator}`

/** What Atende subscribes an instance to (UPPER_SNAKE, as Evolution matches them). */
export const EVOLUTION_WEBHOOK_EVENTS = ['QRCODE_UPDATED', 'CONNECTION_UPDATE', 'MESSAGES_UPSERT', 'MESSAGES_UPDATE', 'MESSAGES_DELETE', 'SEND_MESSAGE']

interface ChannelRow {
  id: string
  name: string
  provider: 'evolution' | 'cloud'
  phone_number: string | null
  connection_state: string
  webhook_secret: string
  evolution_base_url: string | null
  evolution_instance_name: string | null
  evolution_instance_token: string | null
  cloud_access_token: string | null
  cloud_app_secret: string | null
  cloud_verify_token: string | null
  cloud_phone_number_id: string | null
  cloud_waba_id: string | null
  cloud_graph_base_url: string | null
}

export interface RegistrationOptions {
  /** The stack's public URL (webhooks go to its functions). */
  stackUrl: string
  /** Migrations and seed were just applied: the seeded URLs may name another simulator port. */
  fresh: boolean
  log: (line: string) => void
}

export async function registerSimulatorChannels(db: pg.Pool, simulator: RunningSimulator, options: RegistrationOptions): Promise<{ instances: number, numbers: number }> {
  // cloud_graph_base_url arrived in a later migration; older databases simply have no Cloud channels here.
  const { rows: columns } = await db.query<{ column_name: string }>(
    `select column_name from information_schema.columns where table_schema = 'public' and table_name = 'channel_secrets' and column_name = 'cloud_graph_base_url'`,
  )
  const hasGraphUrl = columns.length > 0
  if (options.fresh && simulator.url !== SEEDED_SIMULATOR_URL) {
    await db.query(`update public.channel_secrets set evolution_base_url = $1 where rtrim(evolution_base_url, '/') = $2`, [`${simulator.url}/evolution`, `${SEEDED_SIMULATOR_URL}/evolution`])
    if (hasGraphUrl) {
      await db.query(`update public.channel_secrets set cloud_graph_base_url = $1 where rtrim(cloud_graph_base_url, '/') = $2`, [`${simulator.url}/graph`, `${SEEDED_SIMULATOR_URL}/graph`])
    }
  }
  const { rows } = await db.query<ChannelRow>(`
    select c.id, c.name, c.provider, c.phone_number, c.connection_state, s.webhook_secret, s.evolution_base_url,
           s.evolution_instance_name, s.evolution_instance_token, s.cloud_access_token, s.cloud_app_secret,
           s.cloud_verify_token, s.cloud_phone_number_id, s.cloud_waba_id,
           ${hasGraphUrl ? 's.cloud_graph_base_url' : 'null::text as cloud_graph_base_url'}
    from public.channels c join public.channel_secrets s on s.channel_id = c.id
    order by c.created_at`)
  let instances = 0
  let numbers = 0
  for (const row of rows) {
    if (row.provider === 'evolution' && row.evolution_base_url?.startsWith(`${simulator.url}/evolution`) && row.evolution_instance_name) {
      const connected = row.connection_state === 'connected' && row.phone_number !== null
      simulator.registerEvolutionInstance({
        name: row.evolution_instance_name,
        token: row.evolution_instance_token ?? undefined,
        state: connected ? 'open' : 'close',
        ownNumber: row.phone_number,
        profileName: row.name,
        webhook: {
          enabled: true,
          url: `${options.stackUrl}/functions/v1/whatsapp-webhook/evolution`,
          headers: { [EVOLUTION_SECRET_HEADER]: row.webhook_secret },
          byEvents: false,
          base64: true,
          events: EVOLUTION_WEBHOOK_EVENTS,
        },
      })
      instances++
    }
    if (row.provider === 'cloud' && row.cloud_graph_base_url?.startsWith(`${simulator.url}/graph`) && row.cloud_phone_number_id) {
      const missing = (['cloud_access_token', 'cloud_app_secret', 'cloud_waba_id', 'phone_number'] as const).filter(column => !row[column])
      if (missing.length > 0) {
        options.log(`[simulador] canal Cloud "${row.name}" não registrado no simulador: falta ${missing.join(', ')}.`)
        continue
      }
      await simulator.registerCloudNumber({
        phoneNumberId: row.cloud_phone_number_id,
        displayPhoneNumber: row.phone_number!,
        verifiedName: row.name,
        wabaId: row.cloud_waba_id!,
        accessToken: row.cloud_access_token!,
        appSecret: row.cloud_app_secret!,
        verifyToken: row.cloud_verify_token ?? '',
        webhookUrl: `${options.stackUrl}/functions/v1/whatsapp-webhook/cloud`,
      })
      numbers++
    }
  }
  return { instances, numbers }
}
