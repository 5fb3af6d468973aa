/**
 * The message box at the bottom of the phone: text, a photo or document with caption (📎), voice notes
 * (🎤 records from the microphone; "Áudio de exemplo" needs none), a sample location, and the quote bar
 * while replying.
 */
import { type RecordedAudio, canUseMicrophone, sampleVoiceNote, startMicrophone } from './audio.ts'
import { h, replaceChildren } from './dom.ts'
import { formatDuration } from './format.ts'
import { type IconName, icon } from './icons.ts'

export type FileKind = 'image' | 'video' | 'document'

export interface ComposerActions {
  sendText: (text: string) => Promise<void>
  sendFile: (file: File, kind: FileKind, caption: string) => Promise<void>
  sendAudio: (audio: RecordedAudio) => Promise<void>
  sendLocation: () => Promise<void>
  cancelReply: () => void
  notify: (text: string, isError?: boolean) => void
}

export class Composer {
  private readonly input: HTMLInputElement
  private readonly sendButton: HTMLButtonElement
  private readonly field: HTMLElement
  private readonly row: HTMLElement
  private readonly replyBar: HTMLElement
  private readonly attachmentBar: HTMLElement
  private readonly menu: HTMLElement
  private readonly imagePicker: HTMLInputElement
  private readonly documentPicker: HTMLInputElement
  private attachment: { file: File, kind: FileKind } | null = null
  private recording: { stop: () => Promise<RecordedAudio>, cancel: () => void, bar: HTMLElement, timer: number } | null = null
  private busy = false
  private enabled = true

  constructor(screen: HTMLElement, private readonly actions: ComposerActions) {
    this.input = h('input', { 'type': 'text', 'placeholder': 'Mensagem', 'aria-label': 'Mensagem', 'autocomplete': 'off', 'data-testid': 'message-input' })
    this.input.addEventListener('input', () => this.updateButton())
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault()
        void this.submit()
      }
    })
    this.imagePicker = h('input', { 'type': 'file', 'accept': 'image/jpeg,image/png,image/webp,video/mp4', 'hidden': true, 'data-testid': 'image-picker' })
    this.documentPicker = h('input', { 'type': 'file', 'hidden': true, 'data-testid': 'document-picker' })
    this.imagePicker.addEventListener('change', () => this.pick(this.imagePicker, 'image'))
    this.documentPicker.addEventListener('change', () => this.pick(this.documentPicker, 'document'))

    this.menu = h('div', { class: 'attach-menu', hidden: true, role: 'menu' },
      menuItem('image', '#bf59cf', 'Foto ou vídeo', () => this.imagePicker.click()),
      menuItem('document', '#5157ae', 'Documento', () => this.documentPicker.click()),
      menuItem('mic', '#e45b3d', 'Áudio de exemplo', () => void this.sendSample()),
      menuItem('pin', '#1fa855', 'Localização de exemplo', () => void this.run(() => this.actions.sendLocation())),
    )
    const attachButton = h('button', { 'type': 'button', 'class': 'icon-button', 'aria-label': 'Anexar', 'aria-haspopup': 'menu', 'onclick': () => this.toggleMenu() }, icon('attach', 22))
    this.field = h('div', { class: 'field' }, attachButton, this.input)
    this.sendButton = h('button', { type: 'button', class: 'send-button', onclick: () => void this.submit() })
    this.row = h('div', { class: 'composer' }, this.field, this.sendButton, this.menu, this.imagePicker, this.documentPicker)
    this.replyBar = h('div', { 'class': 'reply-bar', 'hidden': true, 'data-testid': 'reply-bar' })
    this.attachmentBar = h('div', { class: 'attachment-bar', hidden: true })
    screen.append(this.replyBar, this.attachmentBar, this.row)
    document.addEventListener('click', (event) => {
      if (!this.row.contains(event.target as Node)) this.menu.hidden = true
    })
    this.updateButton()
  }

  setEnabled(enabled: boolean, placeholder = 'Mensagem'): void {
    this.enabled = enabled
    this.input.disabled = !enabled
    this.input.placeholder = placeholder
    this.updateButton()
  }

  setReply(quote: HTMLElement | null): void {
    this.replyBar.hidden = quote === null
    if (quote) {
      replaceChildren(this.replyBar, quote, h('button', { 'type': 'button', 'class': 'icon-button', 'aria-label': 'Cancelar resposta', 'onclick': () => this.actions.cancelReply() }, icon('close', 20)))
      this.input.focus()
    }
  }

  private toggleMenu(): void {
    if (this.enabled) this.menu.hidden = !this.menu.hidden
  }

  private pick(picker: HTMLInputElement, fallback: FileKind): void {
    const file = picker.files?.[0]
    picker.value = ''
    this.menu.hidden = true
    if (!file) return
    const kind: FileKind = fallback === 'document' ? 'document' : file.type.startsWith('video/') ? 'video' : 'image'
    this.attachment = { file, kind }
    const preview = kind === 'image' ? h('img', { src: URL.createObjectURL(file), alt: '' }) : h('span', { class: 'icon-button' }, icon(kind === 'video' ? 'video' : 'document', 24))
    replaceChildren(this.attachmentBar, preview, h('span', {}, `${file.name} — escreva uma legenda (opcional) e envie`),
      h('button', { 'type': 'button', 'class': 'icon-button', 'aria-label': 'Remover anexo', 'onclick': () => this.clearAttachment() }, icon('close', 20)))
    this.attachmentBar.hidden = false
    this.input.placeholder = 'Legenda (opcional)'
    this.input.focus()
    this.updateButton()
  }

  private clearAttachment(): void {
    this.attachment = null
    this.attachmentBar.hidden = true
    this.input.placeholder = 'Mensagem'
    this.updateButton()
  }

  private updateButton(): void {
    const canSend = this.recording !== null || this.attachment !== null || this.input.value.trim() !== ''
    this.sendButton.replaceChildren(icon(canSend ? 'send' : 'mic', 22))
    this.sendButton.setAttribute('aria-label', this.recording ? 'Enviar mensagem de voz' : canSend ? 'Enviar' : 'Gravar mensagem de voz')
    this.sendButton.classList.toggle('recording', this.recording !== null)
    this.sendButton.disabled = !this.enabled || this.busy
  }

  private async submit(): Promise<void> {
    if (this.busy || !this.enabled) return
    if (this.recording) return this.finishRecording()
    const text = this.input.value.trim()
    if (this.attachment) {
      const { file, kind } = this.attachment
      await this.run(async () => {
        await this.actions.sendFile(file, kind, text)
        this.input.value = ''
        this.clearAttachment()
      })
      return
    }
    if (text === '') return this.startRecording()
    await this.run(async () => {
      await this.actions.sendText(text)
      this.input.value = ''
      this.updateButton()
    })
  }

  private async run(task: () => Promise<void>): Promise<void> {
    this.menu.hidden = true
    this.busy = true
    this.updateButton()
    try {
      await task()
    }
    catch (error) {
      this.actions.notify((error as Error).message, true)
    }
    finally {
      this.busy = false
      this.updateButton()
      this.input.focus()
    }
  }

  private async sendSample(): Promise<void> {
    this.actions.notify('Gerando um áudio de exemplo…')
    await this.run(async () => this.actions.sendAudio(await sampleVoiceNote()))
  }

  private async startRecording(): Promise<void> {
    if (!canUseMicrophone()) {
      this.actions.notify('Este navegador não grava áudio aqui. Use o clipe → “Áudio de exemplo”.', true)
      return
    }
    let session: Awaited<ReturnType<typeof startMicrophone>>
    try {
      session = await startMicrophone()
    }
    catch {
      this.actions.notify('Sem acesso ao microfone. Use o clipe → “Áudio de exemplo” para enviar um áudio mesmo assim.', true)
      return
    }
    const started = Date.now()
    const clock = h('strong', {}, '0:00')
    const bar = h('div', { class: 'recording-bar' }, h('span', { class: 'pulse' }), clock, h('span', {}, 'Gravando…'),
      h('button', { type: 'button', class: 'button danger', onclick: () => this.cancelRecording() }, 'Cancelar'))
    const timer = window.setInterval(() => {
      clock.textContent = formatDuration((Date.now() - started) / 1000)
    }, 250)
    this.recording = { ...session, bar, timer }
    this.field.replaceWith(bar)
    this.updateButton()
  }

  private endRecording(): void {
    if (!this.recording) return
    window.clearInterval(this.recording.timer)
    this.recording.bar.replaceWith(this.field)
    this.recording = null
    this.updateButton()
  }

  private cancelRecording(): void {
    this.recording?.cancel()
    this.endRecording()
  }

  private async finishRecording(): Promise<void> {
    const session = this.recording!
    this.endRecording()
    await this.run(async () => this.actions.sendAudio(await session.stop()))
  }
}

function menuItem(name: IconName, color: string, label: string, action: () => void): HTMLElement {
  return h('button', { type: 'button', role: 'menuitem', onclick: action }, h('span', { class: 'dot', style: `background:${color}` }, icon(name, 17)), label)
}
