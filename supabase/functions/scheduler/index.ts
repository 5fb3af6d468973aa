import { readSupabaseEnv } from '../_shared/env.ts'
import { createSchedulerHandler } from './handler.ts'

Deno.serve(createSchedulerHandler(readSupabaseEnv(name => Deno.env.get(name))))
