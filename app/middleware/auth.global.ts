import { HOME_PATH, LOGIN_PATH } from '~/constants/sections'
import { SHELL_LABELS } from '~/constants/shell'
import { redirectQuery, safeRedirect } from '~/utils/redirect'
import { canAccessPath } from '~/utils/sections'

/**
 * Every route but the login page needs an accepted session; restricted sections (Administração)
 * need the right role. This only shapes the UI: the database enforces the same rules through RLS.
 */
export default defineNuxtRouteMiddleware(async (to) => {
  const session = useSessionStore()
  await session.ensureRestored()
  const toLogin = to.path === LOGIN_PATH

  if (!session.isAuthenticated) {
    return toLogin ? undefined : navigateTo({ path: LOGIN_PATH, query: redirectQuery(to.fullPath) })
  }
  if (toLogin) return navigateTo(safeRedirect(to.query.redirect), { replace: true })
  if (!canAccessPath(to.path, session.role)) {
    useAppMessage().warning(SHELL_LABELS.accessRestricted)
    return navigateTo(HOME_PATH, { replace: true })
  }
})
