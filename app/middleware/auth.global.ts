import { HOME_PATH, LOGIN_PATH } from '~/constants/sections'
import { FIRST_ADMIN_PATH } from '~/constants/settings'
import { SHELL_LABELS } from '~/constants/shell'
import { redirectQuery, safeRedirect } from '~/utils/redirect'
import { canAccessPath } from '~/utils/sections'

/**
 * Every route but the login page (and the first-run page, which has nobody to sign in as) needs an
 * accepted session; restricted sections (Administração) need the right role. This only shapes the UI:
 * the database enforces the same rules through RLS.
 */
export default defineNuxtRouteMiddleware(async (to) => {
  const session = useSessionStore()
  await session.ensureRestored()
  const toLogin = to.path === LOGIN_PATH
  const signedOutPage = toLogin || to.path === FIRST_ADMIN_PATH

  if (!session.isAuthenticated) {
    return signedOutPage ? undefined : navigateTo({ path: LOGIN_PATH, query: redirectQuery(to.fullPath) })
  }
  if (signedOutPage) return navigateTo(safeRedirect(to.query.redirect), { replace: true })
  if (!canAccessPath(to.path, session.role)) {
    useAppMessage().warning(SHELL_LABELS.accessRestricted)
    return navigateTo(HOME_PATH, { replace: true })
  }
})
