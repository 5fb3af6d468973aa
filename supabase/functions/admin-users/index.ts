import { readSupabaseEnv } from '../_shared/env.ts'
import { createAdminUsersHandler } from './handler.ts'

Deno.serve(createAdminUsersHandler(readSupabaseEnv(name => Deno.env.get(name))))
