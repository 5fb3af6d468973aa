/** Helpers for tests of outbound (agent → customer) provider requests. */
import { type OutboundMessage, OutboundMessageError, type OutboundProblem } from '../../supabase/functions/_shared/providers/outbound.ts'

/** A text message to a Brazilian mobile number, with the given fields replaced. */
export function outboundMessage(overrides: Partial<OutboundMessage>): OutboundMessage {
  return { to: '5511987654321', kind: 'text', text: 'Olá', media: null, voiceNote: false, replyTo: null, ...overrides }
}

/** The rule an invalid message broke (fails the test when `action` does not throw one). */
export function problemOf(action: () => void): OutboundProblem {
  try {
    action()
  }
  catch (error) {
    if (error instanceof OutboundMessageError) return error.problem
    throw error
  }
  throw new Error('did not throw')
}
