/** Database calls of the pipeline, with errors that say whether retrying can help. */
import type { SupabaseClient } from '@supabase/supabase-js'

/**
 * A failed database call. `permanent` for errors the same input will always hit: the RPCs' own rule
 * errors (P0001, with a pt-BR detail) and data exceptions (class 22); anything else (network, timeouts,
 * locks, a database restart) may pass.
 */
export class DatabaseError extends Error {
  readonly permanent: boolean

  constructor(readonly operation: string, readonly code: string | null, message: string) {
    super(`${operation}: ${message}`)
    this.name = 'DatabaseError'
    this.permanent = code === 'P0001' || (code?.startsWith('22') ?? false)
  }
}

interface PostgrestErrorLike {
  code?: string
  message: string
  details?: string | null
}

function describe(error: PostgrestErrorLike): string {
  return error.details ? `${error.message} (${error.details})` : error.message
}

export async function callRpc<T>(service: SupabaseClient, name: string, args: Record<string, unknown>): Promise<T> {
  const { data, error } = await service.rpc(name, args)
  if (error) throw new DatabaseError(name, error.code || null, describe(error))
  return data as T
}

/** The id of the message already stored under this provider id on the channel, if any. */
export async function findStoredMessage(service: SupabaseClient, channelId: string, providerMessageId: string): Promise<string | null> {
  const { data, error } = await service.from('messages').select('id')
    .eq('channel_id', channelId).eq('provider_message_id', providerMessageId).maybeSingle()
  if (error) throw new DatabaseError('messages lookup', error.code || null, describe(error))
  return (data as { id: string } | null)?.id ?? null
}
