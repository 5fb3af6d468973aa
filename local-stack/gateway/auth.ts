/**
 * /auth/v1: the subset of GoTrue (supabase/auth) that Atende uses, over GoTrue's own auth tables.
 *
 * Served: POST /token (password, refresh_token), GET|PUT /user, POST /logout, POST /signup (disabled:
 * admins create users), GET /settings, /health, /.well-known/jwks.json and the /admin/users API.
 * Not emulated: e-mail and SMS flows (otp, magic links, recovery, invites, verify), OAuth, SSO, MFA,
 * anonymous sign-in, rate limits and captcha. The modules under ./auth/ follow GoTrue file by file.
 */
import type { GatewayContext, GatewayService } from './context.ts'
import { sendJson } from './http.ts'
import { getUser, logout, updateUser } from './auth/account.ts'
import { handleAdminUsers } from './auth/admin.ts'
import { notFound, sendAuthError, unprocessable } from './auth/errors.ts'
import { Params } from './auth/params.ts'
import { handleToken } from './auth/token.ts'

/** GoTrue's /settings for this stack: e-mail + password only, no self sign-up, no autoconfirm. */
const SETTINGS = {
  external: {
    anonymous_users: false, apple: false, azure: false, bitbucket: false, discord: false, facebook: false,
    snapchat: false, figma: false, fly: false, github: false, gitlab: false, google: false, keycloak: false,
    kakao: false, linkedin: false, linkedin_oidc: false, notion: false, spotify: false, slack: false,
    slack_oidc: false, workos: false, twitch: false, twitter: false, email: true, phone: false, zoom: false,
  },
  disable_signup: true,
  mailer_autoconfirm: false,
  phone_autoconfirm: false,
  sms_provider: '',
  saml_enabled: false,
  saml_private_key_next_configured: false,
  passkeys_enabled: false,
}

export function createAuthService(ctx: GatewayContext): GatewayService {
  return {
    handle: async (req, res, rawPath, query) => {
      // GoTrue strips trailing slashes before routing.
      const path = rawPath.replace(/\/+$/, '') || '/'
      const route = `${req.method ?? 'GET'} ${path}`
      try {
        switch (route) {
          case 'GET /health':
            sendJson(res, 200, { version: 'atende-local', name: 'GoTrue', description: 'GoTrue is a user registration and authentication API' })
            return
          case 'GET /.well-known/jwks.json':
            sendJson(res, 200, ctx.keys.publicJwks, { 'cache-control': 'public, max-age=600' })
            return
          case 'GET /settings':
            sendJson(res, 200, SETTINGS)
            return
          case 'POST /token':
            await handleToken(ctx, req, res, query)
            return
          case 'GET /user':
            await getUser(ctx, req, res)
            return
          case 'PUT /user':
            await updateUser(ctx, req, res)
            return
          case 'POST /logout':
            await logout(ctx, req, res, query)
            return
          case 'POST /signup': {
            const params = await Params.read(req)
            if (!params.has('email') && !params.has('phone')) {
              throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled')
            }
            throw unprocessable('signup_disabled', 'Signups not allowed for this instance')
          }
        }
        if (await handleAdminUsers(ctx, req, res, path, query)) return
        throw notFound('not_found', `${route} is not served by the local stack's auth service`)
      }
      catch (error) {
        if (res.headersSent) throw error
        if (!sendAuthError(req, res, error)) ctx.log(`[auth] ${route} failed: ${(error as Error).stack ?? error}`)
      }
    },
  }
}
