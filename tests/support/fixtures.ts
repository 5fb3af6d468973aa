/**
 * Domain fixtures for database and contract tests, written directly as the owner role (bypasses RLS,
 * commits). Every helper returns the created row; names are made unique so tests do not collide.
 */
import { randomUUID } from 'node:crypto'
import { DEMO, ownerPool } from './db.ts'

type Row = Record<string, unknown>

async function insert<T extends Row>(table: string, values: Row): Promise<T> {
  const columns = Object.keys(values)
  const placeholders = columns.map((_, index) => `$${index + 1}`)
  const { rows } = await ownerPool().query<T>(
    `insert into public.${table} (${columns.join(', ')}) values (${placeholders.join(', ')}) returning *`,
    columns.map(column => values[column]),
  )
  return rows[0]!
}

export function uniqueDigits(length = 11): string {
  return `55${Array.from({ length: length - 2 }, () => Math.floor(Math.random() * 10)).join('')}`
}

export interface ChannelRow extends Row { id: string, name: string, provider: string }
export interface ContactRow extends Row { id: string, display_name: string | null, phone: string | null }
export interface TicketRow extends Row {
  id: string
  number: string
  status: string
  team_id: string | null
  assignee_id: string | null
  contact_id: string
  channel_id: string
}
export interface MessageRow extends Row { id: string, ticket_id: string, body: string | null }

export function createChannel(values: Row = {}): Promise<ChannelRow> {
  return insert<ChannelRow>('channels', { name: `Canal ${randomUUID().slice(0, 8)}`, provider: 'evolution', ...values })
}

export function createContact(values: Row = {}): Promise<ContactRow> {
  return insert<ContactRow>('contacts', { whatsapp_name: 'Cliente Teste', phone: uniqueDigits(13), ...values })
}

export interface TicketOptions {
  status?: 'bot' | 'queued' | 'open' | 'closed'
  teamId?: string | null
  assigneeId?: string | null
  channelId?: string
  contactId?: string
  values?: Row
}

/**
 * A ticket in the given state with consistent timestamps (queued → team; open → team + assignee;
 * closed → closed_at). Defaults: queued in the support team, on a new channel and contact.
 */
export async function createTicket(options: TicketOptions = {}): Promise<TicketRow> {
  const status = options.status ?? 'queued'
  const channelId = options.channelId ?? (await createChannel()).id
  const contactId = options.contactId ?? (await createContact()).id
  const teamId = options.teamId === undefined ? (status === 'bot' ? null : DEMO.teams.support) : options.teamId
  const assigneeId = options.assigneeId === undefined ? (status === 'open' ? DEMO.carla.id : null) : options.assigneeId
  const now = new Date()
  return insert<TicketRow>('tickets', {
    channel_id: channelId,
    contact_id: contactId,
    status,
    team_id: teamId,
    assignee_id: assigneeId,
    queued_at: status === 'bot' ? null : now,
    accepted_at: status === 'open' || (status === 'closed' && assigneeId) ? now : null,
    closed_at: status === 'closed' ? now : null,
    ...options.values,
  })
}

export async function createMessage(ticket: TicketRow, values: Row = {}): Promise<MessageRow> {
  return insert<MessageRow>('messages', {
    ticket_id: ticket.id,
    contact_id: ticket.contact_id,
    channel_id: ticket.channel_id,
    direction: 'inbound',
    sender_type: 'contact',
    kind: 'text',
    body: 'Olá, preciso de ajuda',
    provider_message_id: `test-${randomUUID()}`,
    ...values,
  })
}

/** Events of a ticket, oldest first. */
export async function ticketEvents(ticketId: string): Promise<Row[]> {
  const { rows } = await ownerPool().query('select * from public.ticket_events where ticket_id = $1 order by id', [ticketId])
  return rows
}

export async function reloadTicket(ticketId: string): Promise<TicketRow> {
  const { rows } = await ownerPool().query<TicketRow>('select * from public.tickets where id = $1', [ticketId])
  return rows[0]!
}
