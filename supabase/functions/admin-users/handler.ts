/**
 * `admin-users`: what an admin does to accounts that needs the auth admin API. `POST { action, … }`:
 *
 * | action         | body                                               | does                                             |
 * |----------------|----------------------------------------------------|--------------------------------------------------|
 * | `create`       | `email`, `full_name`, `password`, `role`, `team_ids` | auth user (confirmed) + role and teams, or nothing |
 * | `set_password` | `user_id`, `password`                              | new password; the user is signed out everywhere  |
 * | `set_active`   | `user_id`, `active`                                | (de)activates: tickets back to the queue, sign-in blocked |
 *
 * Every answer is `{ user: { id, full_name, email, role, active[, team_ids] } }`. The caller must be an
 * active admin (403 otherwise). Name, role and teams of an existing user change through
 * `rpc('admin_save_user')` straight from the app; the SQL checks the admin there.
 * Refusals are 4xx `{ code, message }` with a pt-BR message: 409 `email_exists`, 400 `invalid_request`
 * (with `details.field`), 400 `cannot_deactivate_self` / `last_admin` (the database's own sentence).
 */
import { requireSignedInUser } from '../_shared/auth.ts'
import type { SupabaseEnv } from '../_shared/env.ts'
import { UserError } from '../_shared/errors.ts'
import { createHandler, jsonResponse, readJsonBody, requireMethod, type RequestHandler } from '../_shared/http.ts'
import { createCallerClient, createServiceClient } from '../_shared/supabase.ts'
import { createUser, setActive, setPassword } from './actions.ts'
import { parseAdminUsersRequest } from './request.ts'
import { SupabaseAdminUsersStore } from './store.ts'

export function createAdminUsersHandler(env: SupabaseEnv): RequestHandler {
  return createHandler('admin-users', async (request) => {
    requireMethod(request, ['POST'])
    const caller = createCallerClient(request, env)
    const user = await requireSignedInUser(caller, request, env.jwks)
    // Service role: the auth admin API and admin_set_user_active exist only for it. The role check below
    // is what stands between a caller and them.
    const store = new SupabaseAdminUsersStore(createServiceClient(env), caller)
    if (!(await store.isActiveAdmin(user.id))) {
      throw new UserError(403, 'not_allowed', 'Só administradores podem gerenciar usuários.')
    }

    const input = parseAdminUsersRequest(await readJsonBody(request))
    switch (input.action) {
      case 'create':
        return jsonResponse(await createUser(store, input))
      case 'set_password':
        return jsonResponse(await setPassword(store, input))
      case 'set_active':
        return jsonResponse(await setActive(store, user.id, input))
    }
  })
}
