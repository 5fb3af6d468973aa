import { useMessage } from 'naive-ui'
import { ADMIN_LABELS } from '~/constants/admin'
import { CHANNEL_CONNECTION_LABELS } from '~/constants/channels'
import { errorText } from '~/services/errors'
import { secondsLeft } from '~/utils/channels'

/**
 * The live WhatsApp session of one Evolution connection, for its QR code screen: the channel row and
 * its QR code followed through Realtime (the QR rotates about every 45 s), a countdown to the QR's
 * expiry, and the actions — new QR, pairing code, disconnect (asks first), reconnect. Ends its
 * subscription when the screen leaves.
 */
export function useChannelConnection(channelId: Ref<string>) {
  const channels = useChannelsStore()
  const confirm = useConfirm()
  const message = useMessage()

  const channel = computed(() => channels.channelById(channelId.value))
  const qr = computed(() => channels.qrById[channelId.value] ?? null)
  const busy = computed(() => channels.busy[channelId.value])
  /** The last action's failure, in pt-BR. */
  const failure = ref<string | null>(null)

  const now = ref(Date.now())
  let clock: ReturnType<typeof setInterval> | undefined
  let stopQr: (() => void) | null = null

  function follow(id: string): void {
    stopQr?.()
    stopQr = channels.followQr(id)
  }

  onMounted(() => {
    follow(channelId.value)
    clock = setInterval(() => {
      now.value = Date.now()
    }, 1000)
  })
  watch(channelId, (id, previous) => {
    if (id !== previous && stopQr) follow(id)
  })
  onBeforeUnmount(() => {
    stopQr?.()
    stopQr = null
    clearInterval(clock)
  })

  /** Seconds until the QR on screen expires; null without a QR or expiry. */
  const qrSecondsLeft = computed(() => secondsLeft(qr.value?.expiresAt, now.value))
  const qrExpired = computed(() => qrSecondsLeft.value === 0)
  /** A QR to scan: the channel waits for one and the row holds a code. */
  const showsQr = computed(() => channel.value?.connection_state === 'qr' && Boolean(qr.value?.qrCode))

  // A QR that changes (rotation, or a new one asked for) is a fresh start: clear an old failure.
  watch(() => qr.value?.qrCode, () => {
    failure.value = null
  })

  async function attempt<T>(task: () => Promise<T>): Promise<T | null> {
    failure.value = null
    try {
      return await task()
    }
    catch (error) {
      failure.value = errorText(error)
      return null
    }
  }

  /** A new QR (or, with the company number, also a pairing code). Re-creates a removed instance. */
  function connect(phoneNumber: string | null = null): Promise<unknown> {
    return attempt(() => channels.connect(channelId.value, phoneNumber))
  }

  async function disconnect(): Promise<void> {
    const ok = await confirm({
      title: CHANNEL_CONNECTION_LABELS.disconnectTitle,
      content: CHANNEL_CONNECTION_LABELS.disconnectContent,
      positiveText: CHANNEL_CONNECTION_LABELS.disconnectYes,
      negativeText: ADMIN_LABELS.cancel,
      destructive: true,
    })
    if (!ok) return
    if (await attempt(() => channels.logout(channelId.value))) message.success(CHANNEL_CONNECTION_LABELS.disconnected)
  }

  function refreshState(): Promise<unknown> {
    return attempt(() => channels.refreshState(channelId.value))
  }

  return { channel, qr, busy, failure, qrSecondsLeft, qrExpired, showsQr, connect, disconnect, refreshState }
}

export type ChannelConnection = ReturnType<typeof useChannelConnection>
