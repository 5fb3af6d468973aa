import { HOME_PATH, LOGIN_PATH } from '../constants/sections.ts'

/**
 * The in-app path to continue to after sign-in, taken from `?redirect=`. Only same-origin paths are
 * accepted (a leading single slash), so the login page cannot be used to send people to another site.
 */
export function safeRedirect(value: unknown): string {
  const candidate = Array.isArray(value) ? value[0] : value
  if (typeof candidate !== 'string' || !candidate.startsWith('/')) return HOME_PATH
  // `//host` and `/\host` are protocol-relative URLs in browsers.
  if (candidate.startsWith('//') || candidate.startsWith('/\\')) return HOME_PATH
  if (candidate === LOGIN_PATH || candidate.startsWith(`${LOGIN_PATH}?`) || candidate.startsWith(`${LOGIN_PATH}/`)) return HOME_PATH
  return candidate
}

/** The `?redirect=` to put on the login URL for a wanted path (none for home, which is the default). */
export function redirectQuery(wantedFullPath: string): { redirect?: string } {
  return wantedFullPath === '/' || wantedFullPath === HOME_PATH ? {} : { redirect: wantedFullPath }
}
