/**
 * The Meta Cloud API side of whatsapp-connect: check the admin's token and phone number id against the
 * Graph API, save them, and hand back what the admin pastes into Meta's dashboard (webhook URL and verify
 * token). The access token and app secret never leave the server again.
 */
import { webhookUrl } from '../_shared/channels.ts'
import { callProvider } from '../_shared/provider-http.ts'
import {
  buildPhoneNumberLookupRequest,
  classifyCloudAccountFailure,
  DEFAULT_GRAPH_BASE_URL,
  DEFAULT_GRAPH_VERSION,
  newVerifyToken,
  parsePhoneNumberLookup,
  type PhoneNumberDetails,
  unexpectedGraphAnswer,
} from '../_shared/providers/cloud-account.ts'
import { type ActionContext, failureError, notConfigured } from './context.ts'

export interface CloudSetupInput {
  /** Null = the saved one (an edit that did not retype it). */
  accessToken: string | null
  phoneNumberId: string
  wabaId: string | null
  appSecret: string | null
  graphBaseUrl: string | null
  graphVersion: string | null
}

export interface CloudDetails {
  webhook_url: string
  /** Null until the first successful setup. */
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

export async function cloudSetup(context: ActionContext, input: CloudSetupInput): Promise<CloudSetupAnswer> {
  const channelId = context.channel.id
  const previous = await context.store.loadSecrets(channelId)
  const accessToken = input.accessToken ?? previous?.cloud_access_token ?? null
  const appSecret = input.appSecret ?? previous?.cloud_app_secret ?? null
  if (!accessToken) throw notConfigured('Esta conexão ainda não tem token de acesso da Meta salvo: informe o token.', 'access_token')
  if (!appSecret) throw notConfigured('Esta conexão ainda não tem a chave secreta do aplicativo (App Secret) salva: informe a chave.', 'app_secret')
  const account = {
    graphBaseUrl: input.graphBaseUrl ?? previous?.cloud_graph_base_url ?? DEFAULT_GRAPH_BASE_URL,
    graphVersion: input.graphVersion ?? previous?.cloud_graph_version ?? DEFAULT_GRAPH_VERSION,
    phoneNumberId: input.phoneNumberId,
    accessToken,
  }
  const response = await callProvider(account.graphBaseUrl, buildPhoneNumberLookupRequest(account), { fetch: context.fetch, timeoutMs: context.timeoutMs })
  const ok = response.status !== null && response.status >= 200 && response.status < 300
  let number: PhoneNumberDetails | null = null
  if (ok) {
    try {
      number = parsePhoneNumberLookup(response.body)
    }
    catch {
      // Falls through to the failure below: an answer without the number is not Graph's.
    }
  }
  if (!number) {
    const failure = ok
      ? unexpectedGraphAnswer(response.status)
      : classifyCloudAccountFailure(response.status, response.body, { phoneNumberId: input.phoneNumberId, networkError: response.networkError })
    // Rejected new credentials do not break a channel that works with the saved ones.
    if (context.channel.connectionState !== 'connected') await context.store.recordConnection(channelId, 'error', failure.reason)
    throw failureError(failure)
  }

  const secrets = await context.store.saveSecrets(channelId, {
    cloud_access_token: accessToken,
    cloud_app_secret: appSecret,
    cloud_phone_number_id: input.phoneNumberId,
    cloud_waba_id: input.wabaId,
    cloud_graph_base_url: account.graphBaseUrl,
    cloud_graph_version: account.graphVersion,
    // Kept across setups: changing it would break the webhook already verified in Meta's dashboard.
    cloud_verify_token: previous?.cloud_verify_token ?? newVerifyToken(),
  })
  const channel = await context.store.recordConnection(channelId, 'connected', null, number.phoneDigits)
  return {
    state: 'connected',
    phone_number: channel.phoneNumber,
    display_phone_number: number.displayPhoneNumber,
    verified_name: number.verifiedName,
    quality_rating: number.qualityRating,
    webhook_url: webhookUrl(context.supabaseUrl, 'cloud'),
    verify_token: secrets.cloud_verify_token,
    phone_number_id: secrets.cloud_phone_number_id,
    waba_id: secrets.cloud_waba_id,
  }
}

/** For the screen's copy buttons. */
export async function cloudDetails(context: ActionContext): Promise<CloudDetails> {
  const secrets = await context.store.loadSecrets(context.channel.id)
  return {
    webhook_url: webhookUrl(context.supabaseUrl, 'cloud'),
    verify_token: secrets?.cloud_verify_token ?? null,
    phone_number_id: secrets?.cloud_phone_number_id ?? null,
    waba_id: secrets?.cloud_waba_id ?? null,
  }
}
