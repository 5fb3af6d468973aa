/** The page's calls to the control API (same origin). Errors carry the server's pt-BR message. */
import type {
  ChatMessageView,
  ConversationView,
  CustomerSendInput,
  CustomerSendResult,
  Faults,
  LogEntry,
  SimulatorStateView,
} from '../types.ts'

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/api${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const payload = await response.json().catch(() => null) as { error?: string } | null
  if (!response.ok) throw new Error(payload?.error ?? `Erro ${response.status} no simulador.`)
  return payload as T
}

const conversationPath = (target: string, phone: string) => `/conversations/${encodeURIComponent(target)}/${encodeURIComponent(phone)}`

export const api = {
  state: () => call<SimulatorStateView>('GET', '/state'),
  conversation: (target: string, phone: string) => call<ConversationView>('GET', conversationPath(target, phone)),
  send: (target: string, phone: string, input: CustomerSendInput) => call<CustomerSendResult>('POST', `${conversationPath(target, phone)}/messages`, input),
  read: (target: string, phone: string) => call<{ read: number }>('POST', `${conversationPath(target, phone)}/read`, {}),
  played: (target: string, phone: string, id: string) => call<unknown>('POST', `${conversationPath(target, phone)}/messages/${encodeURIComponent(id)}/played`, {}),
  scan: (name: string, phone: string) => call<unknown>('POST', `/evolution/instances/${encodeURIComponent(name)}/scan`, { phone }),
  disconnect: (name: string) => call<unknown>('POST', `/evolution/instances/${encodeURIComponent(name)}/disconnect`, {}),
  setFaults: (patch: Partial<Faults>, target?: string) => call<Faults>('PATCH', target ? `/faults/${encodeURIComponent(target)}` : '/faults', patch),
  clearFaults: (target?: string) => call<unknown>('DELETE', target ? `/faults/${encodeURIComponent(target)}` : '/faults'),
  flush: () => call<{ released: number }>('POST', '/faults/flush', {}),
  webhookLog: () => call<LogEntry[]>('GET', '/log?kind=webhook&limit=8'),
}

export type { ChatMessageView }
