/**
 * Classifications as admins maintain them (plain REST; RLS lets only admins write): the list with how
 * many tickets use each one, create, edit, activate, reorder and delete. Reading for the workspace is
 * services/catalogues.ts. The database's refusals come back in pt-BR: a duplicate name (23505) is
 * translated here; deleting one that tickets use is refused by a trigger (`classification_in_use`,
 * P0001 with a pt-BR detail), which `rpcError` keeps.
 */
import type { PostgrestError } from '@supabase/supabase-js'
import { CLASSIFICATION_LABELS } from '~/constants/classifications'
import { RpcError, rpcError } from '~/services/errors'
import type { Classification } from '~/types/domain'
import type { AppSupabaseClient } from '~/types/supabase'

/** A classification with the number of tickets labelled by it (closed ones included). */
export interface ClassificationWithUsage extends Classification {
  ticketCount: number
}

export interface ClassificationInput {
  name: string
  description: string | null
}

export type ClassificationPatch = Partial<ClassificationInput & Pick<Classification, 'active' | 'position'>>

/** The refusal's reason when a used classification is deleted (see the administration migration). */
export const CLASSIFICATION_IN_USE = 'classification_in_use'

const COLUMNS = 'id, name, description, active, position, created_at'

function classificationError(error: PostgrestError, status: number): RpcError {
  if (error.code === '23505') return new RpcError('classification_name_taken', error.code, status, CLASSIFICATION_LABELS.nameTaken, null)
  // `.single()` on an update that matched nothing: someone else deleted the row meanwhile.
  if (error.code === 'PGRST116') return new RpcError('classification_not_found', error.code, status, CLASSIFICATION_LABELS.notFound, null)
  return rpcError(error, status)
}

/** Every classification in the admins' order, with its ticket count (one embedded count per row). */
export async function fetchClassificationsWithUsage(client: AppSupabaseClient): Promise<ClassificationWithUsage[]> {
  const { data, error, status } = await client.from('classifications')
    .select(`${COLUMNS}, tickets(count)`)
    .order('position').order('name')
  if (error) throw classificationError(error, status)
  return data.map(({ tickets, ...row }) => ({ ...row, ticketCount: tickets[0]?.count ?? 0 }))
}

export async function createClassification(client: AppSupabaseClient, input: ClassificationInput & { position: number }): Promise<Classification> {
  const { data, error, status } = await client.from('classifications').insert(input).select(COLUMNS).single()
  if (error) throw classificationError(error, status)
  return data
}

export async function updateClassification(client: AppSupabaseClient, id: string, patch: ClassificationPatch): Promise<Classification> {
  const { data, error, status } = await client.from('classifications').update(patch).eq('id', id).select(COLUMNS).single()
  if (error) throw classificationError(error, status)
  return data
}

/** Writes the new positions (only the rows that moved); each row is its own request. */
export async function updatePositions(client: AppSupabaseClient, changes: ReadonlyArray<{ id: string, position: number }>): Promise<void> {
  const results = await Promise.all(changes.map(change =>
    client.from('classifications').update({ position: change.position }).eq('id', change.id)))
  const failed = results.find(result => result.error)
  if (failed?.error) throw classificationError(failed.error, failed.status)
}

export async function deleteClassification(client: AppSupabaseClient, id: string): Promise<void> {
  const { error, status } = await client.from('classifications').delete().eq('id', id)
  if (error) throw classificationError(error, status)
}

/** True when the row was gone (someone else deleted it). */
export function isClassificationGone(error: unknown): boolean {
  return error instanceof RpcError && error.reason === 'classification_not_found'
}

/** True when a delete was refused because tickets use the classification. */
export function isClassificationInUse(error: unknown): error is RpcError {
  return error instanceof RpcError && error.reason === CLASSIFICATION_IN_USE
}
