import type { AppSupabaseClient } from '~/types/supabase'

/** The shared Supabase client, for stores and the data layer (never for components directly). */
export function useSupabase(): AppSupabaseClient {
  return useNuxtApp().$supabase
}
