/**
 * The composer, in Chromium against the built app and the local stack, as Carla on #1002 (Maria,
 * Suporte Técnico): "/" quick replies with search and {nome}, the emoji picker, files by button,
 * drag and drop and paste with previews and captions, a voice note recorded with Chromium's fake
 * microphone, reply-to, private notes, Enter vs Shift+Enter, the 4096 limit, and drafts that survive
 * switching tickets and a reload. Every send is checked in the database (and files in Storage).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeOwnerPool, DEMO } from '../support/db.ts'
import { createContact, createTicket, type TicketRow } from '../support/fixtures.ts'
import { eventually, serviceClient } from '../support/stack.ts'
import { appUrl, openApp, screenshot, signIn } from './support/browser.ts'
import { restoreDemoTickets } from './support/demo-state.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const DEMO_CHANNEL_ID = '00000000-0000-4000-d000-000000000001'
const TICKET_1002 = '00000000-0000-4000-f000-000000000002'
/** Maria's "Boa tarde", the first message of #1002. */
const MARIA_GREETING = '00000000-0000-4000-f100-000000000201'

const service = serviceClient()
let browser: Browser
let context: BrowserContext
let page: Page
let otherTicket: TicketRow

interface MessageRow {
  id: string
  kind: string
  body: string | null
  media_path: string | null
  media_mime: string | null
  media_name: string | null
  media_size: number | null
  is_voice_note: boolean
  is_private: boolean
  quoted_message_id: string | null
  sender_id: string | null
  client_id: string | null
  created_at: string
}

/** Carla's messages on a ticket created after `since`, oldest first. */
async function sentSince(ticketId: string, since: string): Promise<MessageRow[]> {
  const { data, error } = await service.from('messages')
    .select('id, kind, body, media_path, media_mime, media_name, media_size, is_voice_note, is_private, quoted_message_id, sender_id, client_id, created_at')
    .eq('ticket_id', ticketId).eq('sender_id', DEMO.carla.id).gt('created_at', since)
    .order('created_at', { ascending: true })
  expect(error).toBeNull()
  return data as MessageRow[]
}

async function waitForSent(ticketId: string, since: string, count: number): Promise<MessageRow[]> {
  return eventually(async () => {
    const rows = await sentSince(ticketId, since)
    return rows.length >= count ? rows : undefined
  }, 20_000, `${count} new message(s) on the ticket`)
}

async function storedFileSize(path: string): Promise<number> {
  const { data, error } = await service.storage.from('media').download(path)
  expect(error).toBeNull()
  return data!.size
}

/** The database clock, so "new since" comparisons never depend on this machine's clock. */
async function dbNow(): Promise<string> {
  const { data } = await service.from('messages').select('created_at').order('created_at', { ascending: false }).limit(1).single()
  return (data as { created_at: string }).created_at
}

const input = () => page.getByTestId('composer-input')

async function openTicket(ticketId: string): Promise<void> {
  await page.goto(appUrl(`/atendimento/${ticketId}`))
  await input().waitFor()
}

/** Opens another ticket the way agents do, from the inbox (no page load). */
async function switchTo(ticketId: string): Promise<void> {
  await page.locator(`[data-ticket-id="${ticketId}"]:not([data-testid="conversation-pane"])`).first().click()
  await page.locator(`[data-testid="conversation-pane"][data-ticket-id="${ticketId}"]`).waitFor()
  await input().waitFor()
}

async function clearInput(): Promise<void> {
  await input().fill('')
}

/** A picture drawn in the page, as PNG bytes (something worth looking at in the screenshots). */
async function drawPng(label: string, color: string): Promise<Buffer> {
  const base64 = await page.evaluate(([text, fill]) => {
    const canvas = document.createElement('canvas')
    canvas.width = 480
    canvas.height = 300
    const context2d = canvas.getContext('2d')!
    context2d.fillStyle = fill!
    context2d.fillRect(0, 0, 480, 300)
    context2d.fillStyle = '#ffffff'
    context2d.font = 'bold 36px sans-serif'
    context2d.fillText(text!, 32, 160)
    return canvas.toDataURL('image/png').split(',')[1]!
  }, [label, color])
  return Buffer.from(base64, 'base64')
}

beforeAll(async () => {
  // #1002 open with Carla, whatever earlier files did to it (a transfer would take the composer away).
  await restoreDemoTickets()
  // A reply that greets by name, to see {nome} filled with the contact's first name.
  await service.from('quick_replies').delete().eq('shortcut', 'ola').is('team_id', null)
  const { error } = await service.from('quick_replies').insert({
    shortcut: 'ola', title: 'Olá com nome', body: 'Olá, {nome}! Como posso ajudar?', team_id: null, created_by: DEMO.admin.id,
  })
  expect(error).toBeNull()
  const contact = await createContact({ display_name: 'Ana Beatriz Ramos', whatsapp_name: 'Ana' })
  otherTicket = await createTicket({ status: 'open', channelId: DEMO_CHANNEL_ID, contactId: contact.id, assigneeId: DEMO.carla.id })

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // The standard flags (tests/e2e/support/browser.ts) plus a fake microphone that needs no prompt.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  })
  ;({ context, page } = await openApp(browser, { width: 1440 }))
  await context.grantPermissions(['microphone', 'clipboard-read', 'clipboard-write'], { origin: new URL(appUrl('/')).origin })
  await signIn(page, DEMO.carla.email, DEMO.password)
})

afterAll(async () => {
  await context?.close()
  await browser?.close()
  await closeOwnerPool()
  // Everything sent here went into #1002, and Ana's ticket is still open with Carla: the files after this
  // one find the demo tickets as seeded, and the quick replies too.
  await service.from('quick_replies').delete().eq('shortcut', 'ola').is('team_id', null)
  await restoreDemoTickets()
})

describe('composer', () => {
  it('opens the quick replies on "/", filters them as Carla types, and Enter inserts one with the name filled', async () => {
    await openTicket(TICKET_1002)
    const list = page.getByTestId('composer-quick-replies')

    await input().pressSequentially('/')
    await list.waitFor()
    // Suporte Técnico's replies and the global ones, never Financeiro's.
    const shortcuts = () => list.locator('[role="option"]').evaluateAll(items => items.map(item => (item as HTMLElement).dataset.shortcut))
    expect(await shortcuts()).toContain('reiniciar')
    expect(await shortcuts()).not.toContain('boleto')

    await input().pressSequentially('rei')
    await expect.poll(shortcuts).toEqual(['reiniciar'])
    // Screen readers hear the list the text box drives.
    expect(await input().getAttribute('aria-expanded')).toBe('true')
    const activeId = await input().getAttribute('aria-activedescendant')
    expect(await page.locator(`[id="${activeId}"]`).getAttribute('data-shortcut')).toBe('reiniciar')
    await input().press('Backspace')
    await input().press('Backspace')
    await input().press('Backspace')
    await input().pressSequentially('bol')
    await list.getByText('Nenhuma resposta rápida encontrada.').waitFor()

    // Esc closes the list and leaves the text alone.
    await input().press('Escape')
    await list.waitFor({ state: 'detached' })
    expect(await input().inputValue()).toBe('/bol')

    await clearInput()
    await input().pressSequentially('Oi! /ol')
    await list.waitFor()
    expect((await shortcuts())[0]).toBe('ola')
    await screenshot(page, 'atendimento-composer-quick-replies')
    await input().press('Enter')
    await list.waitFor({ state: 'detached' })
    expect(await input().inputValue()).toBe('Oi! Olá, Maria! Como posso ajudar?')

    // Arrow keys choose, Tab inserts.
    await clearInput()
    await input().pressSequentially('/a')
    await list.waitFor()
    const second = (await shortcuts())[1]
    await input().press('ArrowDown')
    await input().press('Tab')
    const secondText = (await service.from('quick_replies').select('body').eq('shortcut', second!).single()).data!.body as string
    expect(await input().inputValue()).toBe(secondText)

    // The button opens the same list with its own search box.
    await clearInput()
    await page.getByTestId('composer-quick-replies-button').click()
    await list.waitFor()
    await page.keyboard.type('visita')
    await expect.poll(shortcuts).toEqual(['visita'])
    await page.keyboard.press('Enter')
    await list.waitFor({ state: 'detached' })
    expect(await input().inputValue()).toContain('Vou agendar uma visita técnica.')
    await clearInput()

    // A click elsewhere closes it too.
    await page.getByTestId('composer-quick-replies-button').click()
    await list.waitFor()
    await page.getByTestId('composer-mode-reply').click()
    await list.waitFor({ state: 'detached' })
  })

  it('inserts an emoji from the picker at the caret', async () => {
    await input().fill('Obrigada!')
    await input().press('End')
    await page.getByTestId('composer-emoji').click()
    const picker = page.getByTestId('composer-emoji-picker')
    await picker.waitFor()
    await screenshot(page, 'atendimento-composer-emoji')
    const emoji = picker.locator('.v3-emojis button').first()
    const glyph = (await emoji.textContent())!.trim()
    await emoji.click()
    // The picker closes and the text box has the focus again, with the emoji at its caret.
    await picker.waitFor({ state: 'detached' })
    expect(await input().inputValue()).toBe(`Obrigada!${glyph}`)
    expect(await input().evaluate(element => element === document.activeElement)).toBe(true)

    // Esc closes the picker without inserting anything.
    await page.getByTestId('composer-emoji').click()
    await picker.waitFor()
    await page.keyboard.press('Escape')
    await picker.waitFor({ state: 'detached' })
    expect(await input().inputValue()).toBe(`Obrigada!${glyph}`)
    await clearInput()
  })

  it('sends on Enter and Ctrl+Enter, and Shift+Enter only breaks the line', async () => {
    const since = await dbNow()
    await input().click()
    await page.keyboard.type('Linha um')
    await page.keyboard.press('Shift+Enter')
    await page.keyboard.type('Linha dois')
    expect(await input().inputValue()).toBe('Linha um\nLinha dois')
    await page.keyboard.press('Enter')
    await expect.poll(() => input().inputValue()).toBe('')
    await page.keyboard.type('Enviada com Ctrl+Enter')
    await page.keyboard.press('Control+Enter')

    const rows = await waitForSent(TICKET_1002, since, 2)
    expect(rows.map(row => [row.kind, row.body])).toEqual([['text', 'Linha um\nLinha dois'], ['text', 'Enviada com Ctrl+Enter']])
    expect(rows.every(row => row.client_id && !row.is_private)).toBe(true)
  })

  it('counts characters near the WhatsApp limit and refuses to send past it', async () => {
    await input().fill('a'.repeat(4100))
    const counter = page.getByTestId('composer-counter')
    expect(await counter.textContent()).toContain('4.100 de 4.096 caracteres')
    expect(await page.getByTestId('composer-send').isDisabled()).toBe(true)
    await screenshot(page, 'atendimento-composer-limit')
    await input().fill('a'.repeat(3600))
    expect(await page.getByTestId('composer-send').isDisabled()).toBe(false)
    await clearInput()
  })

  it('attaches files by button, drag and drop and paste, with previews and captions, and sends them to Storage', async () => {
    const since = await dbNow()
    // By button.
    await page.getByTestId('composer-file-input').setInputFiles({ name: 'tela-do-roteador.png', mimeType: 'image/png', buffer: await drawPng('Roteador', '#0f766e') })
    await page.getByTestId('composer-attachment').first().waitFor()

    // By dropping a PDF anywhere on the conversation.
    const pane = page.getByTestId('conversation-pane')
    const pdf = await page.evaluateHandle(() => {
      const transfer = new DataTransfer()
      transfer.items.add(new File(['%PDF-1.4\n% Atende\n'], 'contrato.pdf', { type: 'application/pdf' }))
      return transfer
    })
    await pane.dispatchEvent('dragenter', { dataTransfer: pdf })
    await page.getByTestId('composer-drop-overlay').waitFor()
    await screenshot(page, 'atendimento-composer-drop')
    await pane.dispatchEvent('drop', { dataTransfer: pdf })
    await page.getByTestId('composer-drop-overlay').waitFor({ state: 'detached' })

    // A file over 100 MB is refused in Portuguese.
    const huge = await page.evaluateHandle(() => {
      const transfer = new DataTransfer()
      transfer.items.add(new File([new Uint8Array(100 * 1024 * 1024 + 1)], 'video-enorme.mp4', { type: 'video/mp4' }))
      return transfer
    })
    await pane.dispatchEvent('drop', { dataTransfer: huge })
    await page.getByText('"video-enorme.mp4" tem mais de 100 MB, o limite do WhatsApp. Envie um arquivo menor.').waitFor()

    // By pasting a screenshot into the text box.
    const pasted = await drawPng('Print colado', '#7c3aed')
    await input().evaluate((element, bytes) => {
      const transfer = new DataTransfer()
      transfer.items.add(new File([new Uint8Array(bytes)], 'print.png', { type: 'image/png' }))
      element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }))
    }, [...pasted])

    const cards = page.getByTestId('composer-attachment')
    await expect.poll(() => cards.count()).toBe(3)
    expect(await cards.evaluateAll(items => items.map(item => (item as HTMLElement).dataset.kind))).toEqual(['image', 'document', 'image'])
    await page.getByLabel('Legenda de tela-do-roteador.png').fill('Veja as luzes do roteador')
    await page.getByLabel('Legenda de contrato.pdf').fill('Contrato assinado')
    await input().fill('Qualquer dúvida, estou aqui.')
    await screenshot(page, 'atendimento-composer-attachments')

    // Removing one takes it out of what is sent.
    await page.getByRole('button', { name: 'Remover print.png' }).click()
    await expect.poll(() => cards.count()).toBe(2)

    await input().press('Enter')
    await expect.poll(() => cards.count()).toBe(0)
    expect(await input().inputValue()).toBe('')

    const rows = await waitForSent(TICKET_1002, since, 3)
    expect(rows.map(row => [row.kind, row.body, row.media_name])).toEqual([
      ['image', 'Veja as luzes do roteador', 'tela-do-roteador.png'],
      ['document', 'Contrato assinado', 'contrato.pdf'],
      ['text', 'Qualquer dúvida, estou aqui.', null],
    ])
    for (const row of rows.slice(0, 2)) {
      expect(row.media_path).toMatch(new RegExp(`^uploads/${DEMO.carla.id}/`))
      expect(await storedFileSize(row.media_path!)).toBe(row.media_size)
    }
    expect(rows[0]!.media_mime).toBe('image/png')
    expect(rows[1]!.media_mime).toBe('application/pdf')
  })

  it('records a voice note with the microphone: cancel throws it away, send delivers a voice note', async () => {
    const since = await dbNow()
    await page.getByTestId('composer-record').click()
    await page.getByTestId('composer-recording').waitFor()
    await page.waitForTimeout(1200)
    await page.getByTestId('composer-recording-cancel').click()
    await page.getByTestId('composer-recording').waitFor({ state: 'detached' })
    await input().waitFor()

    await page.getByTestId('composer-record').click()
    await page.getByTestId('composer-recording').waitFor()
    await page.waitForTimeout(2200)
    expect(await page.getByTestId('composer-recording-timer').textContent()).toMatch(/^0:0[2-3]$/)
    await screenshot(page, 'atendimento-composer-recording')
    await page.getByTestId('composer-recording-send').click()
    await page.getByTestId('composer-recording').waitFor({ state: 'detached' })

    const [voice, ...others] = await waitForSent(TICKET_1002, since, 1)
    expect(others).toEqual([])
    // Chromium records WebM; the composer rewrites it as the OGG/Opus WhatsApp plays as a voice note.
    expect(voice).toMatchObject({ kind: 'audio', is_voice_note: true, body: null, media_mime: 'audio/ogg' })
    expect(voice!.media_name).toMatch(/^audio-[\d-]+\.ogg$/)
    const { data: stored } = await service.storage.from('media').download(voice!.media_path!)
    const bytes = new Uint8Array(await stored!.arrayBuffer())
    expect(bytes.length).toBe(voice!.media_size)
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('OggS')
    // And a browser decodes it: about two seconds of audio.
    const seconds = await page.evaluate(async (data) => {
      const audio = new AudioContext()
      const decoded = await audio.decodeAudioData(new Uint8Array(data).buffer)
      await audio.close()
      return decoded.duration
    }, [...bytes])
    expect(seconds).toBeGreaterThan(1.5)
    expect(seconds).toBeLessThan(4)
  })

  it('replies to a message picked by "Responder" (the composer store), quoting it', async () => {
    const since = await dbNow()
    const { data: greeting } = await service.from('messages').select('*').eq('id', MARIA_GREETING).single()
    // What a message's "Responder" action does: set the reply target; the composer takes the focus.
    await page.evaluate((message) => {
      const app = (document.querySelector('#__nuxt') as unknown as { __vue_app__: { config: { globalProperties: { $pinia: { _s: Map<string, { setReplyTarget: (ticketId: string, message: unknown) => void }> } } } } }).__vue_app__
      app.config.globalProperties.$pinia._s.get('composer')!.setReplyTarget(message.ticket_id, message)
    }, greeting as { ticket_id: string })
    const preview = page.getByTestId('composer-reply-preview')
    await preview.waitFor()
    expect(await preview.textContent()).toContain('Respondendo a Maria Aparecida Souza')
    expect(await preview.textContent()).toContain('Boa tarde')
    await expect.poll(() => input().evaluate(element => element === document.activeElement)).toBe(true)
    await page.keyboard.type('Boa tarde, Maria! Já estou verificando.')
    await screenshot(page, 'atendimento-composer-reply')

    // Closing the quote drops it; setting it again and sending quotes the message.
    await page.getByRole('button', { name: 'Cancelar resposta' }).click()
    await preview.waitFor({ state: 'detached' })
    await page.evaluate((message) => {
      const app = (document.querySelector('#__nuxt') as unknown as { __vue_app__: { config: { globalProperties: { $pinia: { _s: Map<string, { setReplyTarget: (ticketId: string, message: unknown) => void }> } } } } }).__vue_app__
      app.config.globalProperties.$pinia._s.get('composer')!.setReplyTarget(message.ticket_id, message)
    }, greeting as { ticket_id: string })
    await preview.waitFor()
    await input().press('Enter')
    await preview.waitFor({ state: 'detached' })

    const [reply] = await waitForSent(TICKET_1002, since, 1)
    expect(reply).toMatchObject({ kind: 'text', body: 'Boa tarde, Maria! Já estou verificando.', quoted_message_id: MARIA_GREETING })
  })

  it('writes a private note in note mode, styled apart', async () => {
    const since = await dbNow()
    await page.getByTestId('composer-mode-note').click()
    await page.getByText('Nota interna — o cliente não vê').waitFor()
    expect(await page.getByTestId('composer').getAttribute('data-mode')).toBe('note')
    // Notes are text only: no attach or record buttons.
    expect(await page.getByTestId('composer-attach').count()).toBe(0)
    expect(await page.getByTestId('composer-record').count()).toBe(0)
    await input().fill('Cliente prefere contato pela manhã.')
    await screenshot(page, 'atendimento-composer-note')
    await input().press('Enter')

    const [note] = await waitForSent(TICKET_1002, since, 1)
    expect(note).toMatchObject({ kind: 'note', is_private: true, body: 'Cliente prefere contato pela manhã.' })
    await page.getByTestId('composer-mode-reply').click()
    expect(await page.getByTestId('composer').getAttribute('data-mode')).toBe('reply')
  })

  it('keeps each ticket\'s draft when switching tickets and after a reload', async () => {
    await openTicket(TICKET_1002)
    await input().fill('Rascunho para a Maria\ncom duas linhas')
    await switchTo(otherTicket.id)
    expect(await input().inputValue()).toBe('')
    await input().fill('Rascunho para a Ana')
    await switchTo(TICKET_1002)
    expect(await input().inputValue()).toBe('Rascunho para a Maria\ncom duas linhas')

    await page.reload()
    await input().waitFor()
    expect(await input().inputValue()).toBe('Rascunho para a Maria\ncom duas linhas')
    await switchTo(otherTicket.id)
    expect(await input().inputValue()).toBe('Rascunho para a Ana')
    await clearInput()
    await switchTo(TICKET_1002)
    await clearInput()
  })

  it('looks right in the dark theme', async () => {
    await page.getByText('Escuro', { exact: true }).click()
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark')
    await page.getByTestId('composer-file-input').setInputFiles({ name: 'foto-escura.png', mimeType: 'image/png', buffer: await drawPng('Tema escuro', '#1e293b') })
    await input().fill('/')
    await input().press('End')
    await input().pressSequentially('s')
    await page.getByTestId('composer-quick-replies').waitFor()
    await screenshot(page, 'atendimento-composer-dark')
    await input().press('Escape')
    await page.getByTestId('composer-mode-note').click()
    await input().fill('Nota no tema escuro')
    await screenshot(page, 'atendimento-composer-dark-note')
    await clearInput()
    await page.getByTestId('composer-mode-reply').click()
    await page.getByRole('button', { name: 'Remover foto-escura.png' }).click()
    await page.getByText('Claro', { exact: true }).click()
  })

  it('forgets Carla\'s drafts when she signs out', async () => {
    await input().fill('Rascunho que não deve ficar')
    const draftKeys = () => page.evaluate(() => Object.keys(sessionStorage).filter(key => key.startsWith('atende:composer-draft:')))
    expect(await draftKeys()).toEqual([`atende:composer-draft:${DEMO.carla.id}:${TICKET_1002}`])
    await page.getByRole('button', { name: 'Sair' }).click()
    await page.waitForURL(url => url.pathname === '/login')
    expect(await draftKeys()).toEqual([])
  })
})
