import { ALERT_LABELS, INBOX_ALERTS_MUTED_KEY, INBOX_LABELS } from '~/constants/tickets'
import { contactDisplayName } from '~/utils/contact-display'

export type NotificationPermissionState = NotificationPermission | 'unsupported'

/** Shared across the components that show the toggle: one preference per browser. */
const muted = ref(readMuted())
const permission = ref<NotificationPermissionState>(currentPermission())

function readMuted(): boolean {
  if (!import.meta.client) return false
  try {
    return localStorage.getItem(INBOX_ALERTS_MUTED_KEY) === 'true'
  }
  catch {
    return false
  }
}

function currentPermission(): NotificationPermissionState {
  if (!import.meta.client || typeof Notification === 'undefined') return 'unsupported'
  return Notification.permission
}

let audioContext: AudioContext | undefined

/**
 * A short two-note chime synthesized on the spot (no audio file to ship or fail to load). Browsers
 * keep an AudioContext suspended until the page had a user gesture; then the chime is simply skipped.
 */
function playChime(): void {
  try {
    audioContext ??= new AudioContext()
    const context = audioContext
    if (context.state === 'suspended') void context.resume()
    const start = context.currentTime + 0.01
    for (const [index, frequency] of [880, 1318.5].entries()) {
      const oscillator = context.createOscillator()
      const gain = context.createGain()
      const noteStart = start + index * 0.14
      oscillator.type = 'sine'
      oscillator.frequency.setValueAtTime(frequency, noteStart)
      gain.gain.setValueAtTime(0.0001, noteStart)
      gain.gain.exponentialRampToValueAtTime(0.18, noteStart + 0.02)
      gain.gain.exponentialRampToValueAtTime(0.0001, noteStart + 0.32)
      oscillator.connect(gain).connect(context.destination)
      oscillator.start(noteStart)
      oscillator.stop(noteStart + 0.34)
    }
  }
  catch {
    // No audio output (or WebAudio disabled): the visual alert still shows.
  }
}

/**
 * Alerts when a ticket enters one of my queues while the inbox is open: a chime, and a browser
 * notification when the tab is not in front (clicking it focuses the ticket). The mute toggle is
 * kept in localStorage. Tickets present at the first read and tickets I just handed back to my
 * team's queue are not news, so they stay quiet.
 */
export function useTicketNotifications(options: { onOpen?: (ticketId: string) => void } = {}) {
  const tickets = useTicketsStore()
  const catalogues = useCataloguesStore()

  function setMuted(value: boolean): void {
    muted.value = value
    try {
      localStorage.setItem(INBOX_ALERTS_MUTED_KEY, String(value))
    }
    catch {
      // Storage unavailable (private mode, quota): the choice still holds for this visit.
    }
  }

  async function requestPermission(): Promise<NotificationPermissionState> {
    if (permission.value === 'unsupported') return permission.value
    try {
      permission.value = await Notification.requestPermission()
    }
    catch {
      permission.value = currentPermission()
    }
    return permission.value
  }

  function notify(ticketId: string): void {
    if (muted.value) return
    playChime()
    const ticket = tickets.byId[ticketId]
    const pageInFront = document.visibilityState === 'visible' && document.hasFocus()
    if (!ticket || pageInFront || currentPermission() !== 'granted') return
    const contact = contactDisplayName(tickets.contactOf(ticketId), INBOX_LABELS.unknownContact)
    const team = catalogues.teamById(ticket.team_id)?.name ?? INBOX_LABELS.noTeam
    try {
      const notification = new Notification(ALERT_LABELS.notificationTitle(ticket.number), {
        body: ALERT_LABELS.notificationBody(contact, team),
        tag: `atende-ticket-${ticketId}`,
        icon: '/favicon.svg',
      })
      notification.onclick = () => {
        window.focus()
        options.onOpen?.(ticketId)
        notification.close()
      }
    }
    catch {
      // Some browsers only allow notifications from a service worker; the chime already played.
    }
  }

  // Snapshots of both lists at the previous change: a ticket is news if it is new to the queue and
  // was not mine a moment ago (handing my own ticket back to the team's queue is no news to me).
  let knownQueue: Set<string> | null = null
  let knownMine = new Set<string>()

  const stopWatch = watch(() => [tickets.loaded.queue, tickets.queue, tickets.mine] as const, ([ready, queue, mine]) => {
    if (!ready) {
      knownQueue = null
      return
    }
    if (knownQueue) {
      for (const id of queue) if (!knownQueue.has(id) && !knownMine.has(id)) notify(id)
    }
    knownQueue = new Set(queue)
    knownMine = new Set(mine)
  }, { immediate: true })

  onScopeDispose(stopWatch)

  return {
    muted: readonly(muted),
    permission: readonly(permission),
    setMuted,
    toggleMuted: () => setMuted(!muted.value),
    requestPermission,
  }
}
