/**
 * The customer phone page: a phone running WhatsApp as the customer, beside the simulator's controls.
 * Talks to the control API and follows its server-sent events to show the business's messages live.
 */
import type { ChangeEvent, ChatMessageView, ConversationView, CustomerSendInput, SimulatorStateView } from '../types.ts'
import { api } from './api.ts'
import { blobToBase64 } from './audio.ts'
import { ChatView } from './chat.ts'
import { Composer } from './composer.ts'
import { h } from './dom.ts'
import { formatPhone, summary } from './format.ts'
import { type CustomerSettings, Panel } from './panel.ts'

const STORAGE_KEY = 'atende-simulador-cliente'

function loadSettings(): CustomerSettings {
  const defaults: CustomerSettings = { target: null, phone: '5511987654321', name: 'Maria Souza', readReceipts: true }
  try {
    return { ...defaults, ...JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<CustomerSettings> }
  }
  catch {
    return defaults
  }
}

let settings = loadSettings()
let server: SimulatorStateView | null = null
let conversation: ConversationView | null = null
let replyTo: ChatMessageView | null = null

const phoneScreen = document.getElementById('phone')!
const toast = h('div', { 'class': 'toast', 'role': 'status', 'hidden': true, 'data-testid': 'toast' })
let toastTimer = 0

function notify(text: string, isError = false): void {
  toast.textContent = text
  toast.classList.toggle('error', isError)
  toast.hidden = false
  window.clearTimeout(toastTimer)
  toastTimer = window.setTimeout(() => {
    toast.hidden = true
  }, isError ? 6000 : 2500)
}

const chat = new ChatView(phoneScreen, {
  reply: (message) => {
    replyTo = message
    composer.setReply(h('div', { class: `quote${message.from === 'business' ? ' business' : ''}` },
      h('strong', {}, message.from === 'business' ? businessName() : 'Você'), summary(message)))
  },
  react: message => void send({ kind: 'reaction', reaction: { messageId: message.id, emoji: '👍' } }).catch(error => notify((error as Error).message, true)),
  played: (message) => {
    if (settings.target) void api.played(targetId(), settings.phone, message.id).catch(() => {})
  },
})
const composer = new Composer(phoneScreen, {
  sendText: async text => send({ kind: 'text', text }),
  sendFile: async (file, kind, caption) => send({
    kind,
    text: caption || undefined,
    media: { base64: await blobToBase64(file), mimeType: file.type || 'application/octet-stream', fileName: file.name },
  }),
  sendAudio: async audio => send({ kind: 'audio', voiceNote: true, media: { base64: await blobToBase64(audio.blob), mimeType: audio.mimeType, seconds: audio.seconds } }),
  sendLocation: async () => send({ kind: 'location', location: { latitude: -23.561414, longitude: -46.655881, name: 'MASP', address: 'Av. Paulista, 1578 - Bela Vista, São Paulo - SP' } }),
  cancelReply: () => {
    replyTo = null
    composer.setReply(null)
  },
  notify,
})
phoneScreen.append(toast)

const panel = new Panel(document.getElementById('panel')!, settings, {
  customerChanged: (next) => {
    const changedChat = next.target !== settings.target || next.phone !== settings.phone
    settings = next
    localStorage.setItem(STORAGE_KEY, JSON.stringify(settings))
    if (changedChat) {
      replyTo = null
      composer.setReply(null)
    }
    updateHeader()
    void refreshConversation()
  },
  notify,
})

/** The control API takes the bare instance name / phone number id. */
function targetId(): string {
  return settings.target!.slice(settings.target!.indexOf(':') + 1)
}

function businessName(): string {
  if (!server || !settings.target) return 'Empresa'
  const id = targetId()
  if (settings.target.startsWith('evolution:')) {
    const instance = server.instances.find(candidate => candidate.name === id)
    return instance?.profileName ?? instance?.name ?? id
  }
  return server.numbers.find(number => number.phoneNumberId === id)?.verifiedName ?? id
}

function updateHeader(): void {
  if (!server || !settings.target) {
    chat.setHeader('WhatsApp', 'nenhuma conexão')
    composer.setEnabled(false, 'Sem conexão para conversar')
    return
  }
  const id = targetId()
  let subtitle: string
  if (settings.target.startsWith('evolution:')) {
    const instance = server.instances.find(candidate => candidate.name === id)
    subtitle = instance?.state === 'open' && instance.ownNumber
      ? `online · ${formatPhone(instance.ownNumber)}`
      : 'empresa desconectada — suas mensagens ficam aguardando (✓)'
  }
  else {
    const number = server.numbers.find(candidate => candidate.phoneNumberId === id)
    subtitle = number?.webhookVerified ? `Conta comercial · ${number ? formatPhone(number.displayPhoneNumber) : ''}` : 'webhook não verificado — mensagens aguardando (✓)'
  }
  chat.setHeader(businessName(), subtitle)
  composer.setEnabled(true)
}

async function send(input: CustomerSendInput): Promise<void> {
  if (!settings.target) throw new Error('Escolha uma conexão no painel ao lado.')
  const body: CustomerSendInput = { ...input, name: settings.name }
  if (replyTo && input.kind !== 'reaction') body.replyTo = replyTo.id
  await api.send(targetId(), settings.phone, body)
  if (input.kind !== 'reaction') {
    replyTo = null
    composer.setReply(null)
  }
  await refreshConversation()
  chat.scrollToEnd()
}

let conversationRequest = 0

async function refreshConversation(): Promise<void> {
  if (!settings.target) {
    chat.showEmpty('Nenhuma conexão ainda. Crie uma conexão no Atende (Administração → Conexões) usando a Evolution API ou a Cloud API simuladas — os endereços estão no painel ao lado.')
    return
  }
  if (!/^\d{8,15}$/.test(settings.phone)) {
    chat.showEmpty('Informe o telefone do cliente com DDI e DDD (ex.: 5511987654321).')
    return
  }
  const request = ++conversationRequest
  try {
    const next = await api.conversation(targetId(), settings.phone)
    if (request !== conversationRequest) return
    conversation = next
    chat.render(next)
    sendReadReceipts()
  }
  catch (error) {
    chat.showEmpty((error as Error).message)
  }
}

/** WhatsApp marks a chat's messages read when it is open on screen (unless the customer turned receipts off). */
function sendReadReceipts(): void {
  if (!conversation || !settings.target || !settings.readReceipts || document.visibilityState !== 'visible') return
  const unread = conversation.messages.some(message => message.from === 'business' && message.kind !== 'reaction' && message.status === 'delivered')
  if (unread) void api.read(targetId(), settings.phone).catch(() => {})
}

async function refreshState(): Promise<void> {
  server = await api.state()
  panel.update(server)
  updateHeader()
  const info = document.getElementById('server-info')!
  info.replaceChildren(
    h('div', {}, 'Evolution API: ', h('code', {}, server.evolutionBaseUrl), ' · chave ', h('code', {}, server.evolutionApiKey)),
    h('div', {}, 'Graph API (Cloud): ', h('code', {}, server.graphBaseUrl)),
  )
}

async function refreshLog(): Promise<void> {
  panel.renderLog(await api.webhookLog())
}

let pendingRefresh = 0

function listen(): void {
  const events = new EventSource('/api/events')
  events.addEventListener('change', (event) => {
    const change = JSON.parse((event as MessageEvent<string>).data) as ChangeEvent
    if (change.type === 'conversation' && change.target !== settings.target) return
    window.clearTimeout(pendingRefresh)
    pendingRefresh = window.setTimeout(() => {
      if (change.type !== 'conversation') void refreshState()
      void refreshConversation()
      void refreshLog().catch(() => {})
    }, 60)
  })
  // The stream reconnects by itself; after a gap, catch up on whatever was missed.
  events.addEventListener('open', () => {
    void refreshState().then(refreshConversation).catch(error => notify((error as Error).message, true))
  })
}

document.addEventListener('visibilitychange', sendReadReceipts)
setInterval(() => panel.tickCountdowns(), 1000)
setInterval(() => void refreshLog().catch(() => {}), 3000)
listen()
void refreshState().then(refreshConversation).then(refreshLog).catch(error => notify((error as Error).message, true))
