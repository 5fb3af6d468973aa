import { createClient } from '@supabase/supabase-js'
import type { Database } from '~/types/database'

/**
 * The app's single Supabase client. The session is kept in localStorage and refreshed before it
 * expires; the URL is not scanned for tokens because the app signs in with e-mail and password only.
 */
export default defineNuxtPlugin({
  name: 'atende:supabase',
  setup() {
    const { supabaseUrl, supabaseKey } = useRuntimeConfig().public
    const supabase = createClient<Database>(supabaseUrl, supabaseKey, {
      auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: false },
    })
    return { provide: { supabase } }
  },
})
