/**
 * `whatsapp-connect`: how an admin connects a channel's WhatsApp number. `POST { action, channel_id, … }`:
 *
 * | action              | body                                                          | does                                          |
 * |---------------------|---------------------------------------------------------------|-----------------------------------------------|
 * | `evolution.setup`   | `base_url`, `api_key`, `keep_saved?`                          | saves the server, creates the instance + webhook, first QR |
 * | `evolution.details` |                                                               | the saved server and instance (never the key) |
 * | `evolution.connect` | `phone_number?`                                               | new QR (with a number: also a pairing code); re-creates a removed instance |
 * | `evolution.state`   |                                                               | asks Evolution, writes the channel state      |
 * | `evolution.logout`  |                                                               | ends the WhatsApp session                     |
 * | `evolution.delete`  |                                                               | removes the instance (before deleting the channel) |
 * | `cloud.setup`       | `access_token`, `phone_number_id`, `app_secret`, `waba_id?`, `graph_base_url?`, `graph_version?`, `keep_saved?` | checks with the Graph API, saves, connected |
 * | `cloud.details`     |                                                               | webhook URL and verify token to paste into Meta |
 *
 * `keep_saved: true` lets a setup leave out credentials already saved (`base_url`, `api_key`,
 * `access_token`, `app_secret`): the edit form never reads secrets back and sends only what was retyped.
 *
 * The admin creates the channel row through REST (RLS lets admins); this function handles what no
 * browser role may touch: the credentials in `channel_secrets` and the provider. Provider failures come
 * back as 502 `provider_unreachable` or 400 `provider_rejected` with a pt-BR reason (also written on the
 * channel as state `error` where the channel is affected).
 */
import { requireSignedInUser } from '../_shared/auth.ts'
import type { SupabaseEnv } from '../_shared/env.ts'
import { UserError } from '../_shared/errors.ts'
import { createHandler, jsonResponse, readJsonBody, requireMethod, type RequestHandler } from '../_shared/http.ts'
import type { FetchLike } from '../_shared/provider-http.ts'
import { createCallerClient, createServiceClient } from '../_shared/supabase.ts'
import { cloudDetails, cloudSetup } from './cloud-actions.ts'
import type { ActionContext } from './context.ts'
import { evolutionConnect, evolutionDelete, evolutionDetails, evolutionLogout, evolutionSetup, evolutionState } from './evolution-actions.ts'
import { type ConnectRequest, parseConnectRequest, providerOf } from './request.ts'
import { ChannelStore } from './store.ts'

export interface WhatsappConnectOptions {
  /** Provider HTTP; the global fetch by default. */
  fetch?: FetchLike
  now?: () => Date
  /** Per provider call. */
  timeoutMs?: number
}

const PROVIDER_LABELS = { evolution: 'Evolution API', cloud: 'API oficial da Meta (Cloud API)' } as const

export function createWhatsappConnectHandler(env: SupabaseEnv, options: WhatsappConnectOptions = {}): RequestHandler {
  return createHandler('whatsapp-connect', async (request) => {
    requireMethod(request, ['POST'])
    const user = await requireSignedInUser(createCallerClient(request, env), request, env.jwks)
    // Service role: channel_secrets has no privilege for any browser role, and the state RPCs are
    // service-only. The role check below is what stands between a caller and them.
    const store = new ChannelStore(createServiceClient(env))
    if (!(await store.isActiveAdmin(user.id))) {
      throw new UserError(403, 'not_allowed', 'Só administradores podem configurar as conexões do WhatsApp.')
    }

    const input = parseConnectRequest(await readJsonBody(request))
    const channel = await store.loadChannel(input.channelId)
    if (!channel) throw new UserError(404, 'channel_not_found', 'Conexão não encontrada.')
    const provider = providerOf(input.action)
    if (channel.provider !== provider) {
      throw new UserError(400, 'wrong_provider', `A conexão "${channel.name}" usa a ${PROVIDER_LABELS[channel.provider]}; a ação ${input.action} é da ${PROVIDER_LABELS[provider]}.`)
    }

    const context: ActionContext = { store, channel, supabaseUrl: env.url, now: options.now ?? (() => new Date()), fetch: options.fetch, timeoutMs: options.timeoutMs }
    return jsonResponse(await run(context, input))
  })
}

function run(context: ActionContext, input: ConnectRequest): Promise<unknown> {
  switch (input.action) {
    case 'evolution.setup':
      return evolutionSetup(context, input)
    case 'evolution.details':
      return evolutionDetails(context)
    case 'evolution.connect':
      return evolutionConnect(context, input.phoneNumber)
    case 'evolution.state':
      return evolutionState(context)
    case 'evolution.logout':
      return evolutionLogout(context)
    case 'evolution.delete':
      return evolutionDelete(context)
    case 'cloud.setup':
      return cloudSetup(context, input)
    case 'cloud.details':
      return cloudDetails(context)
  }
}
