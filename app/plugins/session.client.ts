import { LOGIN_PATH } from '~/constants/sections'

/**
 * Leaves the authenticated shell as soon as the session ends while the app is open: "Sair", a
 * sign-out in another tab, or a refresh token the server no longer accepts.
 */
export default defineNuxtPlugin({
  name: 'atende:session',
  dependsOn: ['atende:supabase'],
  setup() {
    const session = useSessionStore()
    watch(() => session.isAuthenticated, (authenticated, wasAuthenticated) => {
      if (wasAuthenticated && !authenticated) void navigateTo(LOGIN_PATH, { replace: true })
    })
  },
})
