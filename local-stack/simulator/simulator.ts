/**
 * The simulator assembled: stores, both fake providers, and the customer's actions (send, read, play)
 * that the control API and the customer phone page use.
 */
import { CloudCustomerSide } from './cloud/customer.ts'
import { GraphApi } from './cloud/api.ts'
import { CloudNumbers } from './cloud/numbers.ts'
import { CloudSender } from './cloud/send.ts'
import type { ResolvedOptions, SimulatorContext } from './context.ts'
import { Conversations, type Conversation, type TargetRef, targetKey } from './customers.ts'
import { parseCustomerDraft } from './drafts.ts'
import { EvolutionApi } from './evolution/api.ts'
import { EvolutionCustomerSide } from './evolution/customer.ts'
import { EvolutionInstances } from './evolution/instances.ts'
import { EvolutionSender } from './evolution/send.ts'
import { FaultController } from './faults.ts'
import { MediaStore } from './media.ts'
import { digitsOnly, isPhoneDigits } from './phones.ts'
import { ChangeBus, RequestLog, Scheduler } from './runtime.ts'
import type { ChatMessageView, SimulatorStateView } from './types.ts'
import { WebhookDispatcher } from './webhooks.ts'

/** A control-API error with its HTTP status and a pt-BR message. */
export class ControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

export class Simulator {
  readonly ctx: SimulatorContext
  readonly instances: EvolutionInstances
  readonly numbers: CloudNumbers
  readonly evolutionApi: EvolutionApi
  readonly graphApi: GraphApi
  private readonly evolutionCustomers: EvolutionCustomerSide
  private readonly cloudCustomers: CloudCustomerSide

  constructor(options: ResolvedOptions, baseUrl: () => string) {
    const bus = new ChangeBus()
    const log = new RequestLog()
    const scheduler = new Scheduler(error => options.log(`[simulador] erro numa tarefa agendada: ${(error as Error).stack ?? error}`))
    const media = new MediaStore()
    // The fault view reports how many webhooks the dispatcher holds; both exist before either is used.
    const faults: FaultController = new FaultController(bus, (): number => dispatcher.heldCount)
    const dispatcher: WebhookDispatcher = new WebhookDispatcher(options.webhookRetry, faults, log, scheduler)
    const conversations = new Conversations(bus, media, target => this.labelOf(target))
    this.ctx = { options, baseUrl, media, conversations, faults, log, webhooks: dispatcher, bus, scheduler }

    this.evolutionCustomers = new EvolutionCustomerSide(this.ctx)
    this.instances = new EvolutionInstances(this.ctx, instance => this.evolutionCustomers.deliverQueued(instance))
    this.evolutionApi = new EvolutionApi(this.ctx, this.instances, new EvolutionSender(this.ctx, this.evolutionCustomers))

    this.numbers = new CloudNumbers(this.ctx, number => this.cloudCustomers.deliverQueued(number))
    this.cloudCustomers = new CloudCustomerSide(this.ctx, this.numbers)
    this.graphApi = new GraphApi(this.ctx, this.numbers, new CloudSender(this.ctx, this.numbers, this.cloudCustomers))
  }

  private labelOf(target: TargetRef): string {
    if (target.provider === 'evolution') return target.id
    return this.numbers.get(target.id)?.verifiedName ?? target.id
  }

  /** An instance name or a phone number id; a name used by both is ambiguous. */
  resolveTarget(id: string): TargetRef {
    const instance = this.instances.get(id)
    const number = this.numbers.get(id)
    if (instance && number) throw new ControlError(409, `"${id}" é ao mesmo tempo uma instância Evolution e um número da Cloud API.`)
    if (instance) return { provider: 'evolution', id }
    if (number) return { provider: 'cloud', id }
    throw new ControlError(404, `Nenhuma instância Evolution nem número da Cloud API chamado "${id}".`)
  }

  private customerPhone(phone: string): string {
    const digits = digitsOnly(phone)
    if (!isPhoneDigits(digits)) throw new ControlError(400, 'O telefone do cliente deve ter DDI e DDD, só dígitos (ex.: 5511987654321).')
    return digits
  }

  conversation(targetId: string, phone: string): Conversation {
    return this.ctx.conversations.open(this.resolveTarget(targetId), this.customerPhone(phone))
  }

  /** The customer sends a message from their phone; returns it as stored (with the provider's id). */
  customerSend(targetId: string, phone: string, body: unknown): ChatMessageView {
    const target = this.resolveTarget(targetId)
    const conversation = this.ctx.conversations.open(target, this.customerPhone(phone))
    const draft = parseCustomerDraft(body, conversation, this.ctx.media, targetKey(target))
    if (draft.name) this.ctx.conversations.open(target, phone, draft.name)
    const message = target.provider === 'evolution'
      ? this.evolutionCustomers.send(this.instances.get(target.id)!, conversation, draft)
      : this.cloudCustomers.send(this.numbers.get(target.id)!, conversation, draft)
    return this.ctx.conversations.messageView(message)
  }

  /**
   * The customer opened the chat: business messages get read receipts (those not yet delivered get theirs
   * right after delivery). Returns how many messages were marked.
   */
  markRead(targetId: string, phone: string, messageIds: string[] | null): number {
    const conversation = this.conversation(targetId, phone)
    let count = 0
    for (const message of conversation.messages) {
      if (message.from !== 'business' || (messageIds && !messageIds.includes(message.id))) continue
      if (['read', 'played', 'failed'].includes(message.status) || message.kind === 'reaction') continue
      this.receipt(conversation, message.id, 'read')
      count++
    }
    return count
  }

  markPlayed(targetId: string, phone: string, messageId: string): void {
    const conversation = this.conversation(targetId, phone)
    const message = conversation.messages.find(candidate => candidate.id === messageId && candidate.from === 'business')
    if (!message) throw new ControlError(404, `A mensagem ${messageId} não foi enviada pela empresa nesta conversa.`)
    if (message.kind !== 'audio') throw new ControlError(400, 'Só mensagens de áudio podem ser reproduzidas.')
    this.receipt(conversation, messageId, 'played')
  }

  private receipt(conversation: Conversation, messageId: string, status: 'read' | 'played'): void {
    const message = conversation.messages.find(candidate => candidate.id === messageId)!
    if (message.status === 'pending' || message.status === 'sent') {
      message.pendingReceipt = status
      return
    }
    if (status === 'played' && message.status === 'delivered') this.receipt(conversation, messageId, 'read')
    if (conversation.target.provider === 'evolution') {
      this.evolutionCustomers.receipt(this.instances.get(conversation.target.id)!, conversation, message, status)
    }
    else {
      this.cloudCustomers.receipt(this.numbers.get(conversation.target.id)!, conversation, message, status)
    }
  }

  state(): SimulatorStateView {
    const base = this.ctx.baseUrl()
    return {
      evolutionBaseUrl: `${base}/evolution`,
      graphBaseUrl: `${base}/graph`,
      evolutionApiKey: this.ctx.options.evolutionApiKey,
      instances: this.instances.list().map(instance => this.instances.view(instance)),
      numbers: this.numbers.list().map(number => this.numbers.view(number)),
      conversations: this.ctx.conversations.list().map(conversation => this.ctx.conversations.summary(conversation)),
      faults: this.ctx.faults.view(),
    }
  }

  reset(): void {
    this.ctx.scheduler.cancelAll()
    this.ctx.webhooks.reset()
    this.instances.clear()
    this.numbers.clear()
    this.ctx.conversations.clear()
    this.ctx.media.clear()
    this.ctx.faults.clearAll()
    this.ctx.log.clear()
    this.ctx.bus.emit({ type: 'reset' })
  }

  stop(): void {
    this.ctx.scheduler.cancelAll()
    this.ctx.webhooks.reset()
    this.instances.clear()
  }
}
