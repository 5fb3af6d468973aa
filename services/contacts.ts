/**
 * Contacts data layer: the Contatos list (newest conversation first, keyset pages), `search_contacts`,
 * one contact, its tickets, and the columns agents may edit (`display_name`, `email`, `cpf`, `notes`,
 * `extra_fields`, `tags`, `blocked`; the column grant refuses anything else).
 */
import { toTicket } from '~/services/tickets'
import type { Tables } from '~/types/database'
import type { Contact, Ticket } from '~/types/domain'
import type { AppSupabaseClient } from '~/types/supabase'
import { rpcError } from '~/services/errors'

/** Where the previous page ended, in the list's order (last_message_at desc nulls last, id). */
export interface ContactCursor {
  lastMessageAt: string | null
  id: string
}

/** extra_fields is a JSON object (check constraint); values other than text are shown as text. */
export function toContact(row: Tables<'contacts'>): Contact {
  const extra = row.extra_fields && typeof row.extra_fields === 'object' && !Array.isArray(row.extra_fields) ? row.extra_fields : {}
  const extraFields: Record<string, string> = {}
  for (const [key, value] of Object.entries(extra)) {
    if (value !== null && value !== undefined) extraFields[key] = typeof value === 'string' ? value : JSON.stringify(value)
  }
  return { ...row, extra_fields: extraFields }
}

export function contactCursor(contact: Contact): ContactCursor {
  return { lastMessageAt: contact.last_message_at, id: contact.id }
}

/** One page of every contact, those who wrote most recently first; never-wrote contacts at the end. */
export async function fetchContactsPage(client: AppSupabaseClient, after: ContactCursor | null, limit: number): Promise<Contact[]> {
  let query = client
    .from('contacts')
    .select('*')
    .order('last_message_at', { ascending: false, nullsFirst: false })
    .order('id', { ascending: true })
    .limit(limit)
  if (after?.lastMessageAt) {
    // Quoted: timestamps carry ':' and '+', which PostgREST's logic-tree syntax would misread.
    const at = `"${after.lastMessageAt}"`
    query = query.or(`last_message_at.lt.${at},and(last_message_at.eq.${at},id.gt.${after.id}),last_message_at.is.null`)
  }
  else if (after) {
    query = query.is('last_message_at', null).gt('id', after.id)
  }
  const { data, error, status } = await query
  if (error) throw rpcError(error, status)
  return data.map(toContact)
}

/** Contacts whose name, WhatsApp name or phone contain every word (accents ignored), best first. */
export async function searchContacts(client: AppSupabaseClient, query: string, limit: number): Promise<Contact[]> {
  const { data, error, status } = await client.rpc('search_contacts', { p_query: query, p_limit: limit })
  if (error) throw rpcError(error, status)
  return data.map(toContact)
}

export async function fetchContact(client: AppSupabaseClient, contactId: string): Promise<Contact | null> {
  const { data, error, status } = await client.from('contacts').select('*').eq('id', contactId).maybeSingle()
  if (error) throw rpcError(error, status)
  return data ? toContact(data) : null
}

/** The contact's tickets the caller may see (RLS), newest first. */
export async function fetchContactTickets(client: AppSupabaseClient, contactId: string, limit = 100): Promise<Ticket[]> {
  const { data, error, status } = await client
    .from('tickets')
    .select('*')
    .eq('contact_id', contactId)
    .order('created_at', { ascending: false })
    .limit(limit)
  if (error) throw rpcError(error, status)
  return data.map(toTicket)
}

export type ContactPatch = Partial<Pick<Contact, 'display_name' | 'email' | 'cpf' | 'notes' | 'extra_fields' | 'tags' | 'blocked'>>

export async function updateContact(client: AppSupabaseClient, contactId: string, patch: ContactPatch): Promise<Contact> {
  const { data, error, status } = await client.from('contacts').update(patch).eq('id', contactId).select('*').single()
  if (error) throw rpcError(error, status)
  return toContact(data)
}
