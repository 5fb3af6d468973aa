import type { Role } from '~/constants/roles'
import type { ThemePreference } from '~/constants/theme'
import type { Tables } from './database'

/**
 * A row of `public.profiles`: who the signed-in person is and what they may do. The generated row types
 * `role` and `theme` as text (their check constraints are not types); services narrow them on read.
 */
export type Profile = Omit<Tables<'profiles'>, 'role' | 'theme'> & { role: Role, theme: ThemePreference }
