import { readSupabaseEnv } from '../_shared/env.ts'
import { createAnalyticsApiHandler } from './handler.ts'

Deno.serve(createAnalyticsApiHandler(readSupabaseEnv(name => Deno.env.get(name))))
