/**
 * The three things only admin-users can do, each leaving no half-done state behind: a user is created
 * with its role and teams or not at all; deactivation is recorded (tickets back to the queue) before the
 * sign-in is blocked, and both steps can be repeated safely if the second fails.
 */
import { UserError } from '../_shared/errors.ts'
import type { AdminUsersRequest } from './request.ts'
import type { AdminUsersStore, UserRecord } from './store.ts'

export interface CreatedUser extends UserRecord {
  team_ids: string[]
}

type Request<Action extends AdminUsersRequest['action']> = Extract<AdminUsersRequest, { action: Action }>

const userNotFound = () => new UserError(404, 'user_not_found', 'Usuário não encontrado.')

export async function createUser(store: AdminUsersStore, input: Request<'create'>): Promise<{ user: CreatedUser }> {
  const userId = await store.createAuthUser({ email: input.email, password: input.password, fullName: input.fullName })
  try {
    const user = await store.saveUser({ userId, fullName: input.fullName, role: input.role, teamIds: input.teamIds })
    return { user: { ...user, team_ids: input.teamIds } }
  }
  catch (error) {
    // Without its role and teams the account must not exist (it would sign in as a bare agent).
    await store.deleteAuthUser(userId).catch((cleanup: unknown) => {
      console.error(`[admin-users] could not delete the half-created user ${userId}`, cleanup)
    })
    throw error
  }
}

export async function setPassword(store: AdminUsersStore, input: Request<'set_password'>): Promise<{ user: UserRecord }> {
  const user = await store.loadUser(input.userId)
  if (!user) throw userNotFound()
  await store.setPassword(input.userId, input.password)
  return { user }
}

export async function setActive(store: AdminUsersStore, actorId: string, input: Request<'set_active'>): Promise<{ user: UserRecord }> {
  if (!(await store.loadUser(input.userId))) throw userNotFound()
  // The database first: it refuses self-deactivation and the last admin, and hands the user's open
  // tickets back to their queues. Then the auth ban, so the user cannot sign in (or lifting it).
  await store.setActive(actorId, input.userId, input.active)
  await store.setBanned(input.userId, !input.active)
  const user = await store.loadUser(input.userId)
  if (!user) throw userNotFound()
  return { user }
}
