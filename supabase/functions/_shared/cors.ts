/**
 * CORS for functions called from the browser. As on Supabase, the gateway does not answer a function's
 * preflight: each function does, with the headers supabase-js sends (kept in sync by supabase-js itself).
 */
import { corsHeaders } from '@supabase/supabase-js/cors'

export { corsHeaders }

/** The answer to a CORS preflight, or undefined when the request is not one. */
export function preflightResponse(request: Request): Response | undefined {
  if (request.method !== 'OPTIONS') return undefined
  return new Response('ok', { headers: corsHeaders })
}

/** The same response with the CORS headers added (a fetched Response's headers are immutable, so copy). */
export function withCors(response: Response): Response {
  const headers = new Headers(response.headers)
  for (const [name, value] of Object.entries(corsHeaders)) headers.set(name, value)
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}
