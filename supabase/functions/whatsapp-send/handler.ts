/**
 * `whatsapp-send` (POST): sends what is due in the outbox now, instead of waiting for the scheduler's
 * next sweep. The app calls it right after an agent sends; the webhook after queuing bot replies. It only
 * ever sends what the queue holds, in order, so calling it too often is harmless. Answers the counts:
 * `{ sent, failed, retried }`.
 */
import type { SupabaseEnv } from '../_shared/env.ts'
import { createHandler, jsonResponse, requireMethod, type RequestHandler } from '../_shared/http.ts'
import { requireSenderCaller } from '../_shared/outbox/callers.ts'
import { sendDueMessages, type SenderDeps } from '../_shared/outbox/sender.ts'
import { createServiceClient } from '../_shared/supabase.ts'

/** Short: the caller waits for the answer; whatever is left is the scheduler's. */
export const SEND_BUDGET_MS = 10_000

export function createWhatsappSendHandler(env: SupabaseEnv, deps: Omit<SenderDeps, 'service'> = {}): RequestHandler {
  return createHandler('whatsapp-send', async (request) => {
    requireMethod(request, ['POST'])
    await requireSenderCaller(request, env)
    // Service role: the outbox and the channels' credentials are readable by no user.
    const service = createServiceClient(env)
    return jsonResponse(await sendDueMessages({ ...deps, service }, { budgetMs: SEND_BUDGET_MS }))
  })
}
