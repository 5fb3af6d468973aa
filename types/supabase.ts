import type { SupabaseClient } from '@supabase/supabase-js'
import type { Database } from './database'

/** The app's one Supabase client, typed against the schema. */
export type AppSupabaseClient = SupabaseClient<Database>
