/**
 * Which messages a channel serves, and who the conversation is with. Pure.
 * - API echoes (Evolution `send.message`) are never stored: the sender records their provider id.
 * - Group chats and WhatsApp Status posts only when the channel accepts them (a group is one contact; a
 *   Status post belongs to its author).
 * - Test mode: a phone allow-list, matched with and without the Brazilian 9th digit.
 */
import type { ChannelConfig } from '../channels.ts'
import { brazilianVariants, digitsOnly } from '../providers/phone.ts'
import type { ChatIdentity, MessageEvent } from '../providers/types.ts'

export interface ContactIdentity {
  kind: 'phone' | 'lid' | 'wa_id'
  value: string
}

export type Party
  = | { kind: 'group', groupJid: string }
    | { kind: 'person', identities: ContactIdentity[], name: string | null }

export type MessagePolicy = { accept: true, party: Party } | { accept: false, reason: string }

const GROUP_JID = /^[0-9-]{5,40}@g\.us$/

/** Every form the provider revealed, in the shape resolve_contact validates (invalid ones are left out). */
export function identitiesOf(identity: ChatIdentity): ContactIdentity[] {
  const identities: ContactIdentity[] = []
  if (identity.phone && /^\d{8,15}$/.test(identity.phone)) identities.push({ kind: 'phone', value: identity.phone })
  if (identity.waId && identity.waId.length >= 3 && identity.waId.length <= 64) identities.push({ kind: 'wa_id', value: identity.waId })
  if (identity.lid && identity.lid.length >= 3 && identity.lid.length <= 64) identities.push({ kind: 'lid', value: identity.lid })
  return identities
}

/** The phone digits of an identity: the phone, else a numeric wa_id. */
function phoneOf(identity: ChatIdentity | null): string | null {
  if (!identity) return null
  if (identity.phone) return identity.phone
  return identity.waId && /^\d+$/.test(identity.waId) ? identity.waId : null
}

/** Null or an empty list means everyone is served (an emptied list must not silently drop every message). */
export function isPhoneAllowed(allowedPhones: readonly string[] | null, phone: string | null): boolean {
  if (!allowedPhones || allowedPhones.length === 0) return true
  if (!phone) return false
  const variants = new Set(brazilianVariants(phone))
  return allowedPhones.some(entry => brazilianVariants(digitsOnly(entry)).some(variant => variants.has(variant)))
}

type PolicyChannel = Pick<ChannelConfig, 'acceptGroupMessages' | 'allowedPhones'>

export function messagePolicy(channel: PolicyChannel, event: MessageEvent): MessagePolicy {
  if (event.viaApi) return { accept: false, reason: 'echo of a message sent through the API (the sender records its provider id)' }

  let party: Party
  let customer: ChatIdentity | null
  if (event.isStatusBroadcast) {
    if (!channel.acceptGroupMessages) return { accept: false, reason: 'WhatsApp Status post (the channel does not accept group and Status messages)' }
    if (event.fromMe) return { accept: false, reason: 'our own WhatsApp Status post' }
    customer = event.author
    if (!customer) return { accept: false, reason: 'WhatsApp Status post without an author' }
    party = { kind: 'person', identities: identitiesOf(customer), name: event.pushName }
  }
  else if (event.isGroup) {
    if (!channel.acceptGroupMessages) return { accept: false, reason: 'group message (the channel does not accept group messages)' }
    const groupJid = event.chat.groupJid
    if (!groupJid || !GROUP_JID.test(groupJid)) return { accept: false, reason: `unrecognized group id ${JSON.stringify(groupJid)}` }
    party = { kind: 'group', groupJid }
    customer = event.fromMe ? null : event.author
  }
  else {
    customer = event.chat
    // fromMe: pushName is the business's own name, not the customer's.
    party = { kind: 'person', identities: identitiesOf(customer), name: event.fromMe ? null : event.pushName }
  }

  if (party.kind === 'person' && party.identities.length === 0) {
    return { accept: false, reason: 'no phone, @lid or wa_id to identify the customer' }
  }
  if (channel.allowedPhones && channel.allowedPhones.length > 0 && !(party.kind === 'group' && event.fromMe)) {
    const phone = phoneOf(customer)
    if (!phone) return { accept: false, reason: 'the channel has a phone allow-list and the sender\'s number is unknown (@lid only)' }
    if (!isPhoneAllowed(channel.allowedPhones, phone)) return { accept: false, reason: `phone ${phone} is not in the channel's allow-list` }
  }
  return { accept: true, party }
}

/** Group messages name their author in the body, since the conversation (the group) has many people. */
export function groupAuthorLabel(event: MessageEvent): string {
  return event.pushName ?? phoneOf(event.author) ?? 'Participante'
}
