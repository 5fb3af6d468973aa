/**
 * One delivery attempt of one claimed message: check the channel, recipient and kind, prepare the file,
 * build the provider's request, call it, and read the answer. Returns the provider's message id or a
 * classified failure; only bugs throw (the sender treats them as transient and logs them).
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import type { ChannelConfig, CloudCredentials, EvolutionCredentials } from '../channels.ts'
import { callProvider, type FetchLike, type ProviderResponse } from '../provider-http.ts'
import { buildCloudSendRequest, classifyCloudFailure, parseCloudSendResponse } from '../providers/cloud-send.ts'
import { buildEvolutionSendRequest, classifyEvolutionFailure, parseEvolutionSendResponse } from '../providers/evolution-send.ts'
import { OutboundMessageError, type SendAccepted, type SendFailure } from '../providers/outbound.ts'
import type { ClaimedOutboxItem } from './claimed.ts'
import { DeliveryError, localFailure, OUTBOUND_PROBLEM_REASONS, REASONS } from './failures.ts'
import { downloadMessageFile, evolutionMedia, uploadCloudMedia } from './media.ts'
import { buildOutboundMessage, recipientOf, sendableKind } from './message.ts'

export interface DeliveryDeps {
  /** Service role: the file is read from Storage with it. */
  service: SupabaseClient
  fetch?: FetchLike
  /** Per provider call; defaults to `DEFAULT_PROVIDER_TIMEOUT_MS`. */
  providerTimeoutMs?: number
}

export type DeliveryOutcome
  = | { ok: true, providerMessageId: string }
    | { ok: false, failure: SendFailure }

type UsableChannel
  = | { provider: 'evolution', credentials: EvolutionCredentials }
    | { provider: 'cloud', credentials: CloudCredentials }

function usableChannel(channel: ChannelConfig | null): UsableChannel {
  if (channel === null) throw new DeliveryError(localFailure('permanent', 'channel_not_found', REASONS.channelMissing))
  if (!channel.active) throw new DeliveryError(localFailure('permanent', 'channel_not_found', REASONS.channelInactive(channel.name)))
  if (channel.provider === 'evolution') {
    if (channel.evolution === null) throw new DeliveryError(localFailure('permanent', 'auth', REASONS.evolutionNotConfigured(channel.name)))
    return { provider: 'evolution', credentials: channel.evolution }
  }
  if (channel.cloud === null) throw new DeliveryError(localFailure('permanent', 'auth', REASONS.cloudNotConfigured(channel.name)))
  return { provider: 'cloud', credentials: channel.cloud }
}

/**
 * A 2xx is the provider taking the message. Without an id in it we cannot match later statuses, and
 * sending again could deliver it twice: stop and let the agent check.
 */
function readAnswer(
  response: ProviderResponse,
  parse: (body: unknown) => SendAccepted,
  classify: (status: number | null, body: unknown) => SendFailure,
): DeliveryOutcome {
  if (response.status !== null && response.status >= 200 && response.status < 300) {
    try {
      return { ok: true, providerMessageId: parse(response.body).providerMessageId }
    }
    catch (error) {
      return { ok: false, failure: localFailure('permanent', 'unknown', REASONS.noProviderId, (error as Error).message) }
    }
  }
  const failure = classify(response.status, response.body)
  return { ok: false, failure: { ...failure, providerMessage: failure.providerMessage ?? response.networkError } }
}

async function deliverThroughEvolution(deps: DeliveryDeps, item: ClaimedOutboxItem, evolution: EvolutionCredentials): Promise<DeliveryOutcome> {
  const media = item.kind === 'text' ? null : evolutionMedia(await downloadMessageFile(deps.service, item))
  const request = buildEvolutionSendRequest(
    { instance: evolution.instance, apiKey: evolution.apiKey },
    buildOutboundMessage(item, 'evolution', media),
  )
  const response = await callProvider(evolution.baseUrl, request, { fetch: deps.fetch, timeoutMs: deps.providerTimeoutMs })
  return readAnswer(response, parseEvolutionSendResponse, classifyEvolutionFailure)
}

async function deliverThroughCloud(deps: DeliveryDeps, item: ClaimedOutboxItem, cloud: CloudCredentials): Promise<DeliveryOutcome> {
  const media = item.kind === 'text'
    ? null
    : await uploadCloudMedia(cloud, await downloadMessageFile(deps.service, item), { fetch: deps.fetch })
  const request = buildCloudSendRequest(
    { graphVersion: cloud.graphVersion, phoneNumberId: cloud.phoneNumberId, accessToken: cloud.accessToken },
    buildOutboundMessage(item, 'cloud', media),
  )
  const response = await callProvider(cloud.graphBaseUrl, request, { fetch: deps.fetch, timeoutMs: deps.providerTimeoutMs })
  return readAnswer(response, parseCloudSendResponse, classifyCloudFailure)
}

export async function deliver(deps: DeliveryDeps, item: ClaimedOutboxItem, channel: ChannelConfig | null): Promise<DeliveryOutcome> {
  try {
    const usable = usableChannel(channel)
    // The cheap checks first: no file is downloaded (or uploaded to Meta) for a message that cannot go.
    sendableKind(item)
    recipientOf(item)
    return usable.provider === 'evolution'
      ? await deliverThroughEvolution(deps, item, usable.credentials)
      : await deliverThroughCloud(deps, item, usable.credentials)
  }
  catch (error) {
    if (error instanceof DeliveryError) return { ok: false, failure: error.failure }
    if (error instanceof OutboundMessageError) {
      return { ok: false, failure: localFailure('permanent', 'invalid_request', OUTBOUND_PROBLEM_REASONS[error.problem], error.message) }
    }
    throw error
  }
}
