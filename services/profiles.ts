/** Profiles data layer (`public.profiles`, `my_profile()`). */
import { ROLES, type Role } from '~/constants/roles'
import { THEME_PREFERENCES, type ThemePreference } from '~/constants/theme'
import type { Tables } from '~/types/database'
import type { AppSupabaseClient } from '~/types/supabase'
import type { Profile } from '~/types/profile'
import { DataRequestError } from '~/utils/errors'

/** Narrows a row to the roles and themes the app knows; the database's check constraints allow no other. */
export function toProfile(row: Tables<'profiles'>): Profile {
  if (!(ROLES as readonly string[]).includes(row.role)) throw new DataRequestError(`unknown role ${row.role}`, 'unknown_role', 200)
  const theme = ((THEME_PREFERENCES as readonly string[]).includes(row.theme) ? row.theme : 'system') as ThemePreference
  return { ...row, role: row.role as Role, theme }
}

/** The signed-in user's own profile, or null when the user has none. */
export async function fetchMyProfile(client: AppSupabaseClient): Promise<Profile | null> {
  const { data, error, status } = await client.rpc('my_profile')
  if (error) throw new DataRequestError(error.message, error.code, status)
  // A composite-returning function with no row comes back as null (or as a row of nulls).
  return data?.id ? toProfile(data) : null
}
