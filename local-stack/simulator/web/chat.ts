/**
 * The phone's screen: status bar, chat header and the conversation. Bubbles are keyed by message id and
 * only rebuilt when their content changes, so a voice note keeps playing while ticks update.
 */
import type { ChatMessageView, ConversationView } from '../types.ts'
import { h, replaceChildren } from './dom.ts'
import { formatDay, formatDuration, formatPhone, formatSize, formatTime, initials, summary } from './format.ts'
import { icon, ticks } from './icons.ts'

export interface ChatHandlers {
  reply: (message: ChatMessageView) => void
  react: (message: ChatMessageView, emoji: string) => void
  played: (message: ChatMessageView) => void
}

export class ChatView {
  readonly body: HTMLElement
  private readonly avatar: HTMLElement
  private readonly title: HTMLElement
  private readonly subtitle: HTMLElement
  private readonly clock: HTMLElement
  private readonly rows = new Map<string, { signature: string, element: HTMLElement }>()
  private messages = new Map<string, ChatMessageView>()
  private businessName = ''

  constructor(screen: HTMLElement, private readonly handlers: ChatHandlers) {
    this.clock = h('span', {}, formatTime(new Date().toISOString()))
    this.avatar = h('div', { 'class': 'avatar', 'aria-hidden': 'true' })
    this.title = h('strong', { 'data-testid': 'chat-title' })
    this.subtitle = h('span', { 'data-testid': 'chat-subtitle' })
    this.body = h('div', { 'class': 'chat-body', 'data-testid': 'chat', 'role': 'log', 'aria-live': 'polite', 'aria-label': 'Mensagens' })
    screen.append(
      h('div', { class: 'status-bar' }, this.clock, h('span', { class: 'notch' }), h('span', { class: 'status-icons' }, icon('signal', 14), '5G', icon('battery', 15))),
      h('div', { class: 'chat-header' }, this.avatar, h('div', { class: 'chat-title' }, this.title, this.subtitle)),
      this.body,
    )
    setInterval(() => {
      this.clock.textContent = formatTime(new Date().toISOString())
    }, 15_000)
  }

  setHeader(title: string, subtitle: string): void {
    this.businessName = title
    this.avatar.textContent = initials(title)
    this.title.textContent = title
    this.subtitle.textContent = subtitle
  }

  showEmpty(text: string): void {
    this.rows.clear()
    replaceChildren(this.body, h('div', { class: 'chat-empty' }, text))
  }

  render(conversation: ConversationView): void {
    const atBottom = this.body.scrollTop + this.body.clientHeight >= this.body.scrollHeight - 60
    this.messages = new Map(conversation.messages.map(message => [message.id, message]))
    const reactions = reactionsByTarget(conversation.messages)
    const children: HTMLElement[] = []
    let lastDay = ''
    const seen = new Set<string>()
    for (const message of conversation.messages) {
      if (message.kind === 'reaction') continue
      const day = formatDay(message.timestamp)
      if (day !== lastDay) {
        children.push(h('div', { class: 'day' }, h('span', {}, day)))
        lastDay = day
      }
      const emojis = reactions.get(message.id) ?? []
      const quoted = message.quotedId ? this.messages.get(message.quotedId) : undefined
      const signature = JSON.stringify([message.text, message.media?.id, message.quotedId, quoted?.id, emojis, message.error, message.from === 'business' ? visibility(message) : ''])
      let row = this.rows.get(message.id)
      if (!row || row.signature !== signature) {
        row = { signature, element: this.bubble(message, emojis) }
        this.rows.set(message.id, row)
      }
      updateTicks(row.element, message)
      children.push(row.element)
      seen.add(message.id)
    }
    for (const id of [...this.rows.keys()]) if (!seen.has(id)) this.rows.delete(id)
    if (children.length === 0) children.push(h('div', { class: 'notice' }, 'As mensagens são entregues ao Atende pelo provedor simulado. Escreva algo para começar.'))
    replaceChildren(this.body, ...children)
    if (atBottom) this.scrollToEnd()
  }

  scrollToEnd(): void {
    this.body.scrollTop = this.body.scrollHeight
  }

  private bubble(message: ChatMessageView, emojis: string[]): HTMLElement {
    const fromCustomer = message.from === 'customer'
    const bubble = h('div', { class: `bubble ${visibility(message)}` })
    bubble.append(h('div', { class: 'bubble-actions' },
      h('button', { 'type': 'button', 'onclick': () => this.handlers.reply(message), 'aria-label': 'Responder' }, icon('reply', 15), 'Responder'),
      h('button', { 'type': 'button', 'onclick': () => this.handlers.react(message, '👍'), 'aria-label': 'Reagir com 👍', 'title': 'Reagir com 👍' }, icon('thumb', 15)),
    ))
    if (message.quotedId) bubble.append(this.quote(message.quotedId))
    if (message.kind === 'template') bubble.append(h('span', { class: 'badge' }, 'Mensagem de modelo'))
    bubble.append(...this.content(message))
    bubble.append(h('span', { class: 'meta' }, formatTime(message.timestamp), fromCustomer ? h('span', { 'class': 'tick', 'data-testid': 'ticks' }) : null))
    if (message.status === 'failed') {
      bubble.append(h('span', { class: 'failure' }, icon('warning', 14), `Não entregue ao cliente${message.error ? ` (${message.error.code ?? ''} ${message.error.title})` : ''}`))
    }
    if (emojis.length > 0) bubble.append(h('span', { class: 'reactions' }, emojis.join(' ')))
    return h('div', {
      'class': `row ${fromCustomer ? 'out' : 'in'}${emojis.length > 0 ? ' has-reactions' : ''}`,
      'data-testid': 'message',
      'data-id': message.id,
      'data-from': message.from,
      'data-kind': message.kind,
    }, bubble)
  }

  private quote(quotedId: string): HTMLElement {
    const quoted = this.messages.get(quotedId)
    const fromBusiness = quoted?.from === 'business'
    return h('div', { 'class': `quote${fromBusiness ? ' business' : ''}`, 'data-testid': 'quote' },
      h('strong', {}, !quoted ? 'Mensagem' : fromBusiness ? this.businessName : 'Você'),
      quoted ? summary(quoted) : 'Mensagem não encontrada neste celular',
    )
  }

  private content(message: ChatMessageView): Node[] {
    const media = message.media
    const caption = message.text ? h('div', { class: 'text' }, message.text) : null
    switch (message.kind) {
      case 'image':
      case 'sticker':
        return [media ? h('img', { class: 'media', src: media.url, alt: message.text ?? 'Imagem', loading: 'lazy' }) : pending('imagem'), caption].filter(isNode)
      case 'video':
        return [media ? h('video', { class: 'media', src: media.url, controls: true, preload: 'metadata', width: 260 }) : pending('vídeo'), caption].filter(isNode)
      case 'audio': {
        if (!media) return [pending('áudio')]
        const audio = h('audio', { src: media.url, controls: true, preload: 'metadata' })
        if (message.from === 'business') audio.addEventListener('play', () => this.handlers.played(message), { once: true })
        return [h('div', { 'class': `voice ${message.from}`, 'data-voice-note': message.voiceNote },
          h('span', { class: 'mic' }, icon(message.voiceNote ? 'mic' : 'music', 22)),
          h('div', { class: 'voice-player' }, audio, media.seconds ? h('small', {}, formatDuration(media.seconds)) : null),
        )]
      }
      case 'document':
        if (!media) return [pending('documento')]
        return [h('a', { class: 'doc', href: media.url, target: '_blank', rel: 'noopener', download: media.fileName ?? 'documento' },
          h('span', { class: 'icon' }, (media.fileName?.split('.').pop() ?? 'DOC').slice(0, 4).toUpperCase()),
          h('span', {}, media.fileName ?? 'Documento', h('small', {}, formatSize(media.size))),
        ), caption].filter(isNode)
      case 'location': {
        const location = message.location
        if (!location) return []
        const map = `https://www.openstreetmap.org/?mlat=${location.latitude}&mlon=${location.longitude}#map=17/${location.latitude}/${location.longitude}`
        return [h('div', { class: 'location' },
          h('span', { class: 'location-pin' }, icon('pin', 26)),
          h('div', {},
            h('strong', {}, location.name ?? 'Localização'),
            location.address ? h('small', {}, location.address) : null,
            h('a', { href: map, target: '_blank', rel: 'noopener' }, 'Ver no mapa'),
          ),
        )]
      }
      case 'contact':
        return [h('div', { class: 'contact-card' },
          h('span', { class: 'avatar small' }, icon('person', 20)),
          h('div', {}, h('strong', {}, message.contact?.name ?? ''), h('small', {}, message.contact ? formatPhone(message.contact.phone) : '')),
        )]
      default:
        return [h('div', { class: 'text' }, message.text ?? '')]
    }
  }
}

function isNode<T extends Node>(value: T | null): value is T {
  return value !== null
}

function pending(what: string): HTMLElement {
  return h('div', { class: 'text pending-media' }, icon('clock', 14), `Baixando ${what}…`)
}

/** Business messages the phone has not received yet are shown faded; failed ones flagged. */
function visibility(message: ChatMessageView): string {
  if (message.status === 'failed') return 'failed'
  return message.status === 'pending' || message.status === 'sent' ? 'in-flight' : ''
}

/** WhatsApp ticks on the customer's own messages: ✓ sent, ✓✓ delivered, blue ✓✓ read. */
function updateTicks(row: HTMLElement, message: ChatMessageView): void {
  const tick = row.querySelector<HTMLElement>('[data-testid="ticks"]')
  if (!tick) return
  const read = message.status === 'read' || message.status === 'played'
  const shown = message.status === 'queued' ? 'single' : 'double'
  if (tick.dataset.shown !== shown) {
    tick.replaceChildren(ticks(shown === 'double'))
    tick.dataset.shown = shown
  }
  tick.classList.toggle('read', read)
  tick.title = read ? 'Lida' : message.status === 'queued' ? 'Enviada (aguardando o WhatsApp da empresa)' : 'Entregue'
  row.dataset.status = message.status
}

/** The current reaction of each side to each message (the latest wins; an empty emoji removes it). */
function reactionsByTarget(messages: ChatMessageView[]): Map<string, string[]> {
  const latest = new Map<string, string>()
  for (const message of messages) {
    if (message.kind !== 'reaction' || !message.reaction) continue
    latest.set(`${message.reaction.messageId}|${message.from}`, message.reaction.emoji)
  }
  const result = new Map<string, string[]>()
  for (const [key, emoji] of latest) {
    if (emoji === '') continue
    const target = key.split('|')[0]!
    result.set(target, [...(result.get(target) ?? []), emoji])
  }
  return result
}
