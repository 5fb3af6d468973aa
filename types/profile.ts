import type { Tables } from './database'

/** A row of `public.profiles`: who the signed-in person is and what they may do. */
export type Profile = Tables<'profiles'>
