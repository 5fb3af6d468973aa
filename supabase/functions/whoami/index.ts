import { readSupabaseEnv } from '../_shared/env.ts'
import { createWhoamiHandler } from './handler.ts'

Deno.serve(createWhoamiHandler(readSupabaseEnv(name => Deno.env.get(name))))
