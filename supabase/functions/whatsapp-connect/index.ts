import { readSupabaseEnv } from '../_shared/env.ts'
import { createWhatsappConnectHandler } from './handler.ts'

Deno.serve(createWhatsappConnectHandler(readSupabaseEnv(name => Deno.env.get(name))))
