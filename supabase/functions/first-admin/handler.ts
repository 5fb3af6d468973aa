/**
 * `first-admin`: the first run of a new installation, before anyone can sign in.
 *
 * | request | answers |
 * |---|---|
 * | `GET`  | `{ needed }`: true while the database has no active administrator (the login page then links to /primeiro-acesso) |
 * | `POST { company_name, full_name, email, password }` | 201 `{ user_id, email }`: the first administrator, confirmed and ready to sign in |
 *
 * It closes itself: once an active admin exists every POST is a 409, so no rate limit or secret is needed.
 * Two visitors racing: each creates its auth user, `claim_first_admin` (serialized in SQL) makes exactly one
 * of them admin; the loser's user is deleted again and it gets the same 409.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import type { SupabaseEnv } from '../_shared/env.ts'
import { UserError } from '../_shared/errors.ts'
import { createHandler, jsonResponse, readJsonBody, requireMethod, type RequestHandler } from '../_shared/http.ts'
import { createServiceClient } from '../_shared/supabase.ts'
import { type FirstAdminRequest, parseFirstAdminRequest } from './request.ts'

const alreadyDone = () => new UserError(409, 'already_configured', 'O primeiro administrador já foi criado; entre com sua conta.')

export function createFirstAdminHandler(env: SupabaseEnv): RequestHandler {
  return createHandler('first-admin', async (request) => {
    requireMethod(request, ['GET', 'POST'])
    // Service role: the caller is anonymous by definition (no admin exists yet to sign in), creating an
    // auth user needs the admin API, and first_admin_needed/claim_first_admin are service-only. What keeps
    // this safe is that both SQL functions refuse once an active admin exists.
    const service = createServiceClient(env)
    if (request.method === 'GET') return jsonResponse({ needed: await firstAdminNeeded(service) })

    const input = parseFirstAdminRequest(await readJsonBody(request))
    // Checked first so a late visitor gets the 409 without an auth user being created and deleted.
    if (!(await firstAdminNeeded(service))) throw alreadyDone()

    const userId = await createAuthUser(service, input)
    let claimed: boolean
    try {
      claimed = await claimFirstAdmin(service, userId)
    }
    catch (error) {
      await deleteAuthUser(service, userId)
      throw error
    }
    if (!claimed) {
      await deleteAuthUser(service, userId)
      throw alreadyDone()
    }

    await saveCompanyName(service, input.companyName)
    return jsonResponse({ user_id: userId, email: input.email }, 201)
  })
}

async function firstAdminNeeded(service: SupabaseClient): Promise<boolean> {
  const { data, error } = await service.rpc('first_admin_needed')
  if (error) throw error
  return data === true
}

async function createAuthUser(service: SupabaseClient, input: FirstAdminRequest): Promise<string> {
  const { data, error } = await service.auth.admin.createUser({
    email: input.email,
    password: input.password,
    // Nobody can confirm an e-mail yet (no mail is configured on a new installation); the person proves
    // who they are by being the one who installed it.
    email_confirm: true,
    user_metadata: { full_name: input.fullName },
  })
  if (error) {
    if (error.code === 'email_exists') {
      throw new UserError(409, 'email_taken', 'Já existe um usuário com este e-mail. Use outro e-mail.', { field: 'email' })
    }
    if (error.code === 'weak_password') {
      throw new UserError(400, 'weak_password', 'O servidor recusou a senha por ser fraca. Use uma senha mais longa, com letras e números.', { field: 'password' })
    }
    if (error.code === 'email_address_invalid') {
      throw new UserError(400, 'invalid_request', 'Informe um e-mail válido.', { field: 'email' })
    }
    throw error
  }
  return data.user.id
}

async function claimFirstAdmin(service: SupabaseClient, userId: string): Promise<boolean> {
  const { data, error } = await service.rpc('claim_first_admin', { p_user_id: userId })
  if (error) throw error
  return data === true
}

async function deleteAuthUser(service: SupabaseClient, userId: string): Promise<void> {
  const { error } = await service.auth.admin.deleteUser(userId)
  // The answer the caller needs is about the claim; a user left behind is logged for an operator.
  if (error) console.error(`[first-admin] could not delete the unclaimed user ${userId}`, error)
}

async function saveCompanyName(service: SupabaseClient, companyName: string): Promise<void> {
  const { error } = await service.from('app_settings').update({ company_name: companyName }).eq('id', true)
  // The admin exists and can sign in; failing the request now would make them retry into a 409. The name
  // is one field in Configurações, so log it and let them fix it there.
  if (error) console.error('[first-admin] the admin was created but the company name was not saved', error)
}
