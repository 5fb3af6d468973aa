/**
 * `whoami`: the signed-in caller's own profile `{user_id, email, role, full_name}`, read with the caller's
 * client so RLS decides, exactly as in the app. A request without a user session (no token, or only the
 * anon key) gets 401 `not_authenticated`.
 */
import { requireSignedInUser } from '../_shared/auth.ts'
import type { SupabaseEnv } from '../_shared/env.ts'
import { UserError } from '../_shared/errors.ts'
import { createHandler, jsonResponse, requireMethod, type RequestHandler } from '../_shared/http.ts'
import { createCallerClient } from '../_shared/supabase.ts'

interface Profile {
  id: string
  email: string | null
  role: 'admin' | 'supervisor' | 'agent' | 'observer'
  full_name: string
}

export function createWhoamiHandler(env: SupabaseEnv): RequestHandler {
  return createHandler('whoami', async (request) => {
    requireMethod(request, ['GET', 'POST'])
    const supabase = createCallerClient(request, env)
    const user = await requireSignedInUser(supabase, request, env.jwks)
    const { data, error } = await supabase.rpc('my_profile')
    if (error) throw error
    const profile = data as Profile | null
    if (!profile?.id) throw new UserError(404, 'profile_not_found', 'This account has no profile.')
    return jsonResponse({ user_id: profile.id, email: profile.email ?? user.email ?? null, role: profile.role, full_name: profile.full_name })
  })
}
