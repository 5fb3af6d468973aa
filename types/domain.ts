/**
 * The domain rows the app works with, as PostgREST returns them (timestamps as ISO strings, bigint as
 * number). One name per resource so stores, services and components agree. Kept in step with
 * supabase/migrations (docs/modelo-de-dados.md explains every column).
 */

export type TicketStatus = 'bot' | 'queued' | 'open' | 'closed'
export type ClosedReason = 'agent' | 'supervisor' | 'customer_keyword' | 'inactivity' | 'bot'
export type RatingStatus = 'requested' | 'rated' | 'expired'

export interface Ticket {
  id: string
  /** Human number shown as #1234. */
  number: number
  contact_id: string
  channel_id: string
  team_id: string | null
  assignee_id: string | null
  status: TicketStatus
  bot_state: Record<string, unknown>
  created_at: string
  queued_at: string | null
  accepted_at: string | null
  first_response_at: string | null
  closed_at: string | null
  closed_by: string | null
  closed_reason: ClosedReason | null
  classification_id: string | null
  closing_comment: string | null
  rating_status: RatingStatus | null
  rating_requested_at: string | null
  rated_at: string | null
  rating: number | null
  low_rating_flag: boolean
  last_message_at: string | null
  last_message_preview: string | null
  last_inbound_at: string | null
  unread_count: number
  updated_at: string
}

export type MessageDirection = 'inbound' | 'outbound'
export type MessageSenderType = 'contact' | 'agent' | 'bot' | 'system'
export type MessageKind
  = | 'text' | 'image' | 'audio' | 'video' | 'document' | 'sticker' | 'location' | 'contact' | 'reaction'
    | 'unsupported' | 'note'

/** received (inbound); pending → sent → delivered → read/played, or failed (outbound). */
export type MessageStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'played' | 'failed'

export interface MessageLocation {
  latitude: number
  longitude: number
  name: string | null
  address: string | null
  url: string | null
}

export interface MessageContactCard {
  display_name: string
  phones: Array<{ phone: string, wa_id: string | null, type: string | null }>
  vcard: string | null
}

export interface Message {
  id: string
  ticket_id: string | null
  contact_id: string
  channel_id: string
  direction: MessageDirection
  sender_type: MessageSenderType
  /** The agent who sent it; null for the contact, the bot, and messages typed on the company phone. */
  sender_id: string | null
  kind: MessageKind
  /** Text, or the caption of a media message. */
  body: string | null
  /** Path in the private `media` bucket; shown through a signed URL. */
  media_path: string | null
  media_mime: string | null
  media_size: number | null
  media_name: string | null
  media_duration_seconds: number | null
  is_voice_note: boolean
  location: MessageLocation | null
  contact_cards: MessageContactCard[] | null
  /** The emoji of a reaction; '' when the customer removed it. */
  reaction_emoji: string | null
  reaction_to_message_id: string | null
  quoted_message_id: string | null
  quoted_provider_message_id: string | null
  provider_message_id: string | null
  status: MessageStatus
  /** Why a send failed, in pt-BR, for the agent. */
  status_error: string | null
  status_updated_at: string | null
  /** Private notes: staff only, never sent. */
  is_private: boolean
  /** The id the app generated for an optimistic message; the realtime echo carries it back. */
  client_id: string | null
  provider_timestamp: string | null
  created_at: string
}

export interface Contact {
  id: string
  /** Name saved in Atende; falls back to whatsapp_name. */
  display_name: string | null
  whatsapp_name: string | null
  phone: string | null
  email: string | null
  cpf: string | null
  notes: string | null
  extra_fields: Record<string, string>
  tags: string[]
  blocked: boolean
  last_message_at: string | null
  created_at: string
  updated_at: string
}

export interface Team {
  id: string
  name: string
  /** `#rrggbb`, used on queue badges. */
  color: string
  created_at: string
}

export interface TeamMember {
  team_id: string
  user_id: string
  created_at: string
}

export interface Classification {
  id: string
  name: string
  description: string | null
  active: boolean
  position: number
  created_at: string
}

export interface QuickReply {
  id: string
  /** Typed after `/` in the composer. */
  shortcut: string
  title: string
  body: string
  /** Null = available to every team. */
  team_id: string | null
  created_by: string | null
  created_at: string
  updated_at: string
}

export type TicketEventType
  = | 'created' | 'queued' | 'accepted' | 'transferred' | 'closed' | 'reopened' | 'rating_requested' | 'rated'
    | 'rating_expired' | 'low_rating_flagged' | 'rating_invalid' | 'inactivity_warned'

export interface TicketEvent {
  id: number
  ticket_id: string
  type: TicketEventType | string
  actor_id: string | null
  from_team_id: string | null
  to_team_id: string | null
  from_agent_id: string | null
  to_agent_id: string | null
  note: string | null
  data: Record<string, unknown>
  created_at: string
}

export type ConnectionState = 'disconnected' | 'connecting' | 'qr' | 'connected' | 'error'

export interface Channel {
  id: string
  name: string
  provider: 'evolution' | 'cloud'
  phone_number: string | null
  color: string
  connection_state: ConnectionState
  state_reason: string | null
  state_changed_at: string
  is_default: boolean
  active: boolean
  accept_group_messages: boolean
  allowed_phones: string[] | null
  last_activity_at: string | null
  created_at: string
  updated_at: string
}

/** What other staff see of a colleague (name on messages, assignee on tickets). */
export interface StaffMember {
  id: string
  full_name: string
  email: string | null
  role: 'admin' | 'supervisor' | 'agent' | 'observer'
  active: boolean
}

/** A `search_messages` hit (see supabase/migrations/*_search.sql). */
export interface MessageSearchHit {
  message_id: string
  ticket_id: string
  ticket_number: number
  contact_id: string
  contact_name: string | null
  created_at: string
  kind: MessageKind
  direction: MessageDirection
  /** Text with the matched words wrapped in <mark>…</mark>, everything else HTML-escaped. */
  snippet: string
  rank: number
  /** Pass as p_cursor for the next page; set on the last row of a full page. */
  next_cursor: string | null
}

/** What the composer hands to the messages store to send (or to add as a private note). */
export interface OutgoingDraft {
  kind: 'text' | 'image' | 'audio' | 'video' | 'document' | 'sticker' | 'note'
  /** Text, caption (image/video/document) or note; null for audio and stickers. */
  body: string | null
  /** The file to upload first (attachments, recorded voice notes). */
  file: Blob | null
  fileName: string | null
  /** A recording made in the browser, sent as a WhatsApp voice note (audio only). */
  isVoiceNote: boolean
  /** The message being replied to (the "Responder" action). */
  quotedMessageId: string | null
}
