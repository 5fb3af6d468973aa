import { readSupabaseEnv } from '../_shared/env.ts'
import { createFirstAdminHandler } from './handler.ts'

Deno.serve(createFirstAdminHandler(readSupabaseEnv(name => Deno.env.get(name))))
