/**
 * The composer's rules: attachment kinds and limits, keys, drafts kept per ticket in session storage,
 * why a ticket is read-only, and what one press of Enviar hands to the messages store.
 */
import { describe, expect, it } from 'vitest'
import { MAX_ATTACHMENT_BYTES, VOICE_NOTE_MIME_TYPES } from '../../constants/composer.ts'
import {
  attachmentKind,
  attachmentProblem,
  buildOutgoingDrafts,
  canCaption,
  composerBlockReason,
  composerKeyAction,
  draftStorageKey,
  fileMime,
  forgetDrafts,
  fileSizeLabel,
  pickRecordingMime,
  readDraft,
  recordingExtension,
  replaceTextRange,
  timerLabel,
  voiceNoteDraft,
  writeDraft,
  type DraftStorage,
  type KeyFacts,
  type PendingAttachment,
} from '../../utils/composer.ts'

describe('attachments', () => {
  it('sends pictures WhatsApp shows inline as images, webp included', () => {
    for (const mime of ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'IMAGE/PNG']) expect(attachmentKind(mime)).toBe('image')
  })

  it('sends other pictures as documents, so they arrive intact', () => {
    expect(attachmentKind('image/svg+xml')).toBe('document')
    expect(attachmentKind('image/heic')).toBe('document')
  })

  it('tells video, audio and documents apart by mime type', () => {
    expect(attachmentKind('video/mp4')).toBe('video')
    expect(attachmentKind('video/quicktime')).toBe('video')
    expect(attachmentKind('audio/ogg; codecs=opus')).toBe('audio')
    expect(attachmentKind('audio/mpeg')).toBe('audio')
    expect(attachmentKind('application/pdf')).toBe('document')
    expect(attachmentKind('application/octet-stream')).toBe('document')
  })

  it('fills a missing mime type from the extension', () => {
    expect(fileMime({ name: 'foto.JPG', size: 1, type: '' })).toBe('image/jpeg')
    expect(fileMime({ name: 'nota.opus', size: 1, type: '' })).toBe('audio/ogg')
    expect(fileMime({ name: 'sem-extensao', size: 1, type: '' })).toBe('application/octet-stream')
    expect(fileMime({ name: 'x.pdf', size: 1, type: 'application/pdf' })).toBe('application/pdf')
  })

  it('accepts files up to 100 MB and refuses bigger or empty ones in Portuguese', () => {
    expect(attachmentProblem({ name: 'ok.pdf', size: MAX_ATTACHMENT_BYTES, type: 'application/pdf' })).toBeNull()
    expect(attachmentProblem({ name: 'grande.mp4', size: MAX_ATTACHMENT_BYTES + 1, type: 'video/mp4' }))
      .toBe('"grande.mp4" tem mais de 100 MB, o limite do WhatsApp. Envie um arquivo menor.')
    expect(attachmentProblem({ name: 'vazio.txt', size: 0, type: 'text/plain' })).toBe('"vazio.txt" está vazio e não pode ser enviado.')
  })

  it('offers a caption only where WhatsApp shows one', () => {
    expect(canCaption('image')).toBe(true)
    expect(canCaption('video')).toBe(true)
    expect(canCaption('document')).toBe(true)
    expect(canCaption('audio')).toBe(false)
    expect(canCaption('sticker')).toBe(false)
  })

  it('writes sizes and timers the Brazilian way', () => {
    expect(fileSizeLabel(512)).toBe('512 B')
    expect(fileSizeLabel(1536)).toBe('1,5 KB')
    expect(fileSizeLabel(25 * 1024 * 1024)).toBe('25 MB')
    expect(timerLabel(7.9)).toBe('0:07')
    expect(timerLabel(754)).toBe('12:34')
  })
})

describe('typing', () => {
  const key = (facts: Partial<KeyFacts>): KeyFacts => ({ key: 'Enter', shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, isComposing: false, ...facts })

  it('sends on Enter and on Ctrl/Cmd+Enter, breaks the line on Shift+Enter', () => {
    expect(composerKeyAction(key({}))).toBe('send')
    expect(composerKeyAction(key({ ctrlKey: true }))).toBe('send')
    expect(composerKeyAction(key({ metaKey: true }))).toBe('send')
    expect(composerKeyAction(key({ shiftKey: true }))).toBe('newline')
  })

  it('never sends while an input method is composing, nor on other keys', () => {
    expect(composerKeyAction(key({ isComposing: true }))).toBeNull()
    expect(composerKeyAction(key({ key: 'a' }))).toBeNull()
  })

  it('inserts at the caret or over the selection', () => {
    expect(replaceTextRange('Olá !', 4, 4, '😊')).toEqual({ text: 'Olá 😊!', caret: 6 })
    expect(replaceTextRange('/sau fim', 0, 4, 'Olá!')).toEqual({ text: 'Olá! fim', caret: 4 })
    expect(replaceTextRange('abc', 10, 20, 'd')).toEqual({ text: 'abcd', caret: 4 })
  })
})

describe('drafts', () => {
  const carla = 'user-carla'
  const bruno = 'user-bruno'

  function memoryStorage(): DraftStorage & { items: Map<string, string> } {
    const items = new Map<string, string>()
    return {
      items,
      get length() {
        return items.size
      },
      key: index => [...items.keys()][index] ?? null,
      getItem: key => items.get(key) ?? null,
      setItem: (key, value) => void items.set(key, value),
      removeItem: key => void items.delete(key),
    }
  }

  it('keeps one draft per user and ticket and reads it back', () => {
    const storage = memoryStorage()
    writeDraft(storage, carla, 'ticket-a', 'Olá, Maria')
    writeDraft(storage, carla, 'ticket-b', 'Rascunho B\nsegunda linha')
    expect(readDraft(storage, carla, 'ticket-a')).toBe('Olá, Maria')
    expect(readDraft(storage, carla, 'ticket-b')).toBe('Rascunho B\nsegunda linha')
    expect(readDraft(storage, carla, 'ticket-c')).toBe('')
    expect(readDraft(storage, bruno, 'ticket-a')).toBe('')
    expect([...storage.items.keys()]).toEqual([draftStorageKey(carla, 'ticket-a'), draftStorageKey(carla, 'ticket-b')])
    expect(draftStorageKey(carla, 'ticket-a')).toBe('atende:composer-draft:user-carla:ticket-a')
  })

  it('forgets a draft once it is blank (sent or erased)', () => {
    const storage = memoryStorage()
    writeDraft(storage, carla, 'ticket-a', 'algo')
    writeDraft(storage, carla, 'ticket-a', '   \n')
    expect(storage.items.size).toBe(0)
  })

  it('forgets all of a user\'s drafts on sign-out, and only theirs', () => {
    const storage = memoryStorage()
    writeDraft(storage, carla, 'ticket-a', 'um')
    writeDraft(storage, carla, 'ticket-b', 'dois')
    writeDraft(storage, bruno, 'ticket-a', 'do Bruno')
    storage.setItem('atende:theme', 'dark')
    forgetDrafts(storage, carla)
    expect([...storage.items.keys()]).toEqual([draftStorageKey(bruno, 'ticket-a'), 'atende:theme'])
  })

  it('keeps working when the storage is full or disabled', () => {
    const broken: DraftStorage = {
      length: 1,
      key: () => { throw new Error('SecurityError') },
      getItem: () => { throw new Error('SecurityError') },
      setItem: () => { throw new Error('QuotaExceededError') },
      removeItem: () => { throw new Error('SecurityError') },
    }
    expect(() => writeDraft(broken, carla, 'ticket-a', 'texto')).not.toThrow()
    expect(() => forgetDrafts(broken, carla)).not.toThrow()
    expect(readDraft(broken, carla, 'ticket-a')).toBe('')
    expect(readDraft(null, carla, 'ticket-a')).toBe('')
  })
})

describe('read-only reasons', () => {
  const me = 'user-carla'
  it('explains each situation', () => {
    expect(composerBlockReason({ status: 'open', assignee_id: me }, 'observer', me)).toBe('observer')
    expect(composerBlockReason({ status: 'closed', assignee_id: me }, 'agent', me)).toBe('closed')
    expect(composerBlockReason({ status: 'queued', assignee_id: null }, 'agent', me)).toBe('queued')
    expect(composerBlockReason({ status: 'bot', assignee_id: null }, 'supervisor', me)).toBe('bot')
    expect(composerBlockReason({ status: 'open', assignee_id: 'user-bruno' }, 'agent', me)).toBe('not_assignee')
    expect(composerBlockReason({ status: 'open', assignee_id: 'user-bruno' }, 'supervisor', me)).toBe('read_only')
    expect(composerBlockReason(null, 'agent', me)).toBe('read_only')
  })
})

describe('what Enviar sends', () => {
  function attachment(name: string, kind: PendingAttachment['kind'], caption = ''): PendingAttachment {
    const file = new File(['x'], name, { type: 'application/octet-stream' })
    return { id: name, file, name, mime: file.type, size: 1, kind, caption, previewUrl: null }
  }

  it('sends plain text as one trimmed text message with the quote', () => {
    expect(buildOutgoingDrafts({ text: '  Olá!\n', attachments: [], noteMode: false, quotedMessageId: 'm1' })).toEqual([
      { kind: 'text', body: 'Olá!', file: null, fileName: null, isVoiceNote: false, quotedMessageId: 'm1' },
    ])
  })

  it('sends nothing for blank text without files', () => {
    expect(buildOutgoingDrafts({ text: ' \n ', attachments: [], noteMode: false, quotedMessageId: null })).toEqual([])
  })

  it('sends each file with its own caption, then the text; only the first quotes', () => {
    const photo = attachment('foto.png', 'image', ' Veja a tela ')
    const voice = attachment('gravacao.mp3', 'audio', 'ignorada')
    const drafts = buildOutgoingDrafts({ text: 'Pode conferir?', attachments: [photo, voice], noteMode: false, quotedMessageId: 'm1' })
    expect(drafts).toEqual([
      { kind: 'image', body: 'Veja a tela', file: photo.file, fileName: 'foto.png', isVoiceNote: false, quotedMessageId: 'm1' },
      { kind: 'audio', body: null, file: voice.file, fileName: 'gravacao.mp3', isVoiceNote: false, quotedMessageId: null },
      { kind: 'text', body: 'Pode conferir?', file: null, fileName: null, isVoiceNote: false, quotedMessageId: null },
    ])
  })

  it('sends a note as text only, never quoting', () => {
    expect(buildOutgoingDrafts({ text: 'Cliente pediu retorno', attachments: [attachment('a.pdf', 'document')], noteMode: true, quotedMessageId: 'm1' })).toEqual([
      { kind: 'note', body: 'Cliente pediu retorno', file: null, fileName: null, isVoiceNote: false, quotedMessageId: null },
    ])
  })

  it('sends a recording as a voice note', () => {
    const file = new File(['x'], 'audio.ogg', { type: 'audio/ogg' })
    expect(voiceNoteDraft(file, 'm2')).toEqual({ kind: 'audio', body: null, file, fileName: 'audio.ogg', isVoiceNote: true, quotedMessageId: 'm2' })
  })
})

describe('voice note format', () => {
  it('prefers OGG/Opus, then WebM/Opus, else the browser default', () => {
    expect(pickRecordingMime(VOICE_NOTE_MIME_TYPES, () => true)).toBe('audio/ogg;codecs=opus')
    expect(pickRecordingMime(VOICE_NOTE_MIME_TYPES, mime => mime.startsWith('audio/webm'))).toBe('audio/webm;codecs=opus')
    expect(pickRecordingMime(VOICE_NOTE_MIME_TYPES, () => false)).toBeNull()
  })

  it('names the file after the container', () => {
    expect(recordingExtension('audio/ogg;codecs=opus')).toBe('ogg')
    expect(recordingExtension('audio/webm;codecs=opus')).toBe('webm')
    expect(recordingExtension('audio/mp4')).toBe('m4a')
    expect(recordingExtension('')).toBe('webm')
  })
})
