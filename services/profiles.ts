/** Profiles data layer (`public.profiles`, `my_profile()`). */
import type { AppSupabaseClient } from '~/types/supabase'
import type { Profile } from '~/types/profile'
import { DataRequestError } from '~/utils/errors'

/** The signed-in user's own profile, or null when the user has none. */
export async function fetchMyProfile(client: AppSupabaseClient): Promise<Profile | null> {
  const { data, error, status } = await client.rpc('my_profile')
  if (error) throw new DataRequestError(error.message, error.code, status)
  // A composite-returning function with no row comes back as null (or as a row of nulls).
  return data?.id ? data : null
}
