import { readSupabaseEnv } from '../_shared/env.ts'
import { createWhatsappSendHandler } from './handler.ts'

Deno.serve(createWhatsappSendHandler(readSupabaseEnv(name => Deno.env.get(name))))
