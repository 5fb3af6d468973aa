import { createFirstAdmin, fetchFirstAdminNeeded, type FirstAdminInput } from '~/services/auth'
import { errorText, FunctionCallError } from '~/services/errors'

/**
 * Whether this installation still needs its first administrator. `needed` stays null until the answer
 * arrives (and after a failure), so a page shows nothing it would have to take back.
 */
export function useFirstAdminStatus() {
  const supabase = useSupabase()
  const needed = ref<boolean | null>(null)
  const checking = ref(false)
  const failure = ref<string | null>(null)

  async function check(): Promise<void> {
    checking.value = true
    failure.value = null
    try {
      needed.value = await fetchFirstAdminNeeded(supabase)
    }
    catch (error) {
      needed.value = null
      failure.value = errorText(error)
    }
    finally {
      checking.value = false
    }
  }

  return { needed, checking, failure, check }
}

export type FirstAdminField = 'company_name' | 'full_name' | 'email' | 'password'

/**
 * `signed_in`: created and signed in. `created`: created, but signing in failed (they sign in on the
 * login page). `already_configured`: someone else created the first admin first. `failed`: refused or
 * failed, nothing was created; `field` names the form field at fault, when one is.
 */
export type FirstAdminOutcome
  = | { kind: 'signed_in' }
    | { kind: 'created' }
    | { kind: 'already_configured', message: string }
    | { kind: 'failed', message: string, field: FirstAdminField | null }

const FIELDS: readonly string[] = ['company_name', 'full_name', 'email', 'password'] satisfies FirstAdminField[]

function fieldOf(error: unknown): FirstAdminField | null {
  if (!(error instanceof FunctionCallError)) return null
  const field = (error.details as { field?: unknown } | null)?.field
  return typeof field === 'string' && FIELDS.includes(field) ? field as FirstAdminField : null
}

/** Creates the first administrator, then signs in as them with the same password. */
export function useFirstAdminSetup() {
  const supabase = useSupabase()
  const session = useSessionStore()
  const creating = ref(false)

  async function create(input: FirstAdminInput): Promise<FirstAdminOutcome> {
    creating.value = true
    try {
      await createFirstAdmin(supabase, input)
    }
    catch (error) {
      creating.value = false
      if (error instanceof FunctionCallError && error.reason === 'already_configured') {
        return { kind: 'already_configured', message: errorText(error) }
      }
      return { kind: 'failed', message: errorText(error), field: fieldOf(error) }
    }
    try {
      const refused = await session.signIn(input.email, input.password)
      return refused ? { kind: 'created' } : { kind: 'signed_in' }
    }
    finally {
      creating.value = false
    }
  }

  return { creating, create }
}
