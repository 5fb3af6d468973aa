/** pt-BR formatting for the page. */
import type { ChatMessageView, EvolutionState } from '../types.ts'

const time = new Intl.DateTimeFormat('pt-BR', { hour: '2-digit', minute: '2-digit' })
const day = new Intl.DateTimeFormat('pt-BR', { day: '2-digit', month: 'long', year: 'numeric' })

export function formatTime(iso: string): string {
  return time.format(new Date(iso))
}

export function formatDay(iso: string): string {
  const date = new Date(iso)
  const today = new Date()
  if (date.toDateString() === today.toDateString()) return 'Hoje'
  return day.format(date)
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} MB`
}

export function formatDuration(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`
}

/** `+55 11 98765-4321` for Brazilian numbers. */
export function formatPhone(digits: string): string {
  const brazil = /^55(\d{2})(\d{4,5})(\d{4})$/.exec(digits)
  return brazil ? `+55 ${brazil[1]} ${brazil[2]}-${brazil[3]}` : `+${digits}`
}

export const STATE_LABELS: Record<EvolutionState, string> = {
  open: 'Conectada',
  connecting: 'Aguardando QR',
  close: 'Desconectada',
  refused: 'QR expirado',
}

/** A one-line description of a message, for quotes and previews. */
export function summary(message: ChatMessageView): string {
  const withText = (label: string, text: string | null | undefined) => (text ? `${label}: ${text}` : label)
  switch (message.kind) {
    case 'image':
      return withText('Foto', message.text)
    case 'video':
      return withText('Vídeo', message.text)
    case 'audio':
      return message.voiceNote ? 'Mensagem de voz' : 'Áudio'
    case 'document':
      return withText('Documento', message.media?.fileName ?? message.text)
    case 'sticker':
      return 'Figurinha'
    case 'location':
      return withText('Localização', message.location?.name)
    case 'contact':
      return withText('Contato', message.contact?.name)
    case 'reaction':
      return `Reação ${message.reaction?.emoji ?? ''}`
    default:
      return message.text ?? ''
  }
}

export function initials(name: string): string {
  const parts = name.replace(/[^\p{L}\p{N} ]/gu, '').trim().split(/\s+/).filter(Boolean)
  return (parts.length === 0 ? '?' : parts.length === 1 ? parts[0]!.slice(0, 2) : `${parts[0]![0]}${parts.at(-1)![0]}`).toUpperCase()
}
