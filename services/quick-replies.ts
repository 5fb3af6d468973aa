/**
 * Quick replies as admins maintain them (plain REST; admins see and write every scope). Reading for
 * the composer is services/catalogues.ts. A shortcut already used in the same scope is refused by the
 * unique index (23505), translated here into pt-BR; the check constraints (23514) mirror the form's
 * rules, so they only fire if the form was bypassed.
 */
import type { PostgrestError } from '@supabase/supabase-js'
import { QUICK_REPLY_ADMIN_LABELS } from '~/constants/quick-replies'
import { RpcError, rpcError } from '~/services/errors'
import type { QuickReply } from '~/types/domain'
import type { AppSupabaseClient } from '~/types/supabase'

export interface QuickReplyInput {
  shortcut: string
  title: string
  body: string
  /** Null = every team. */
  team_id: string | null
}

function quickReplyError(error: PostgrestError, status: number): RpcError {
  if (error.code === '23505') return new RpcError('quick_reply_shortcut_taken', error.code, status, QUICK_REPLY_ADMIN_LABELS.shortcutTakenServer, null)
  if (error.code === '23514') return new RpcError('quick_reply_invalid', error.code, status, QUICK_REPLY_ADMIN_LABELS.invalid, null)
  // `.single()` on an update that matched nothing: someone else deleted the row meanwhile.
  if (error.code === 'PGRST116') return new RpcError('quick_reply_not_found', error.code, status, QUICK_REPLY_ADMIN_LABELS.notFound, null)
  return rpcError(error, status)
}

export async function createQuickReply(client: AppSupabaseClient, input: QuickReplyInput): Promise<QuickReply> {
  const { data, error, status } = await client.from('quick_replies').insert(input).select('*').single()
  if (error) throw quickReplyError(error, status)
  return data
}

export async function updateQuickReply(client: AppSupabaseClient, id: string, patch: Partial<QuickReplyInput>): Promise<QuickReply> {
  const { data, error, status } = await client.from('quick_replies').update(patch).eq('id', id).select('*').single()
  if (error) throw quickReplyError(error, status)
  return data
}

export async function deleteQuickReply(client: AppSupabaseClient, id: string): Promise<void> {
  const { error, status } = await client.from('quick_replies').delete().eq('id', id)
  if (error) throw quickReplyError(error, status)
}

/** True when the failure was a shortcut already used in that scope. */
export function isShortcutTaken(error: unknown): boolean {
  return error instanceof RpcError && error.reason === 'quick_reply_shortcut_taken'
}

/** True when the row was gone (the list should be read again). */
export function isQuickReplyGone(error: unknown): boolean {
  return error instanceof RpcError && error.reason === 'quick_reply_not_found'
}
