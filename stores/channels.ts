import type { LiveStatus } from '~/services/realtime'
import * as channelsService from '~/services/channels'
import { errorText } from '~/services/errors'
import type { ChannelFields, ChannelPatch, ChannelQrCode, CloudDetails, CloudSetupInput, EvolutionAnswer, EvolutionSetupInput } from '~/services/channels'
import type { Channel } from '~/types/domain'

/** What a connection is busy with, so its buttons show a spinner and cannot be pressed twice. */
export type ChannelAction = 'save' | 'setup' | 'connect' | 'logout' | 'delete' | 'deactivate' | 'details'

/**
 * WhatsApp connections for the admin screens: records by id, the list's meta, each connection's QR
 * code, per-connection action flags, and one Realtime subscription to `channels` shared by every
 * screen that shows them (reference-counted: the last screen to leave ends it). Every saved row is
 * also put into the catalogues store, which the workspace reads.
 */
export const useChannelsStore = defineStore('channels', () => {
  const supabase = useSupabase()
  const catalogues = useCataloguesStore()

  const byId = ref<Record<string, Channel>>({})
  const loading = ref(false)
  const loaded = ref(false)
  /** The last load's failure, in pt-BR. */
  const error = ref<string | null>(null)
  const liveStatus = ref<LiveStatus | 'off'>('off')
  const qrById = ref<Record<string, ChannelQrCode | null>>({})
  const busy = ref<Record<string, ChannelAction | undefined>>({})

  const list = computed(() => Object.values(byId.value).sort((a, b) =>
    Number(b.is_default) - Number(a.is_default) || Number(b.active) - Number(a.active) || a.name.localeCompare(b.name, 'pt-BR')))

  function channelById(id: string | null | undefined): Channel | undefined {
    return id ? byId.value[id] : undefined
  }

  function remember(channel: Channel): Channel {
    byId.value = { ...byId.value, [channel.id]: channel }
    catalogues.upsertChannel(channel)
    return channel
  }

  function forget(id: string): void {
    const { [id]: _removed, ...rest } = byId.value
    byId.value = rest
    const { [id]: _qr, ...qrRest } = qrById.value
    qrById.value = qrRest
  }

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      const rows = await channelsService.fetchChannels(supabase)
      byId.value = Object.fromEntries(rows.map(row => [row.id, row]))
      for (const row of rows) catalogues.upsertChannel(row)
      loaded.value = true
    }
    catch (cause) {
      error.value = errorText(cause)
    }
    finally {
      loading.value = false
    }
  }

  /** Reads one connection (its page opened directly); null when it does not exist (any more). */
  async function loadOne(id: string): Promise<Channel | null> {
    const channel = await channelsService.fetchChannel(supabase, id)
    if (channel) remember(channel)
    else forget(id)
    return channel
  }

  // Realtime -----------------------------------------------------------------------------------------
  let followers = 0
  let stopChannels: (() => void) | null = null

  /** Follows every connection's row live while at least one screen asks; returns that screen's stop. */
  function follow(): () => void {
    followers += 1
    if (!stopChannels && import.meta.client) {
      stopChannels = channelsService.subscribeToChannels(supabase, {
        onUpsert: remember,
        onDelete: forget,
        onResync: () => void load(),
        onStatus: (status) => {
          liveStatus.value = status
        },
      })
    }
    let stopped = false
    return () => {
      if (stopped) return
      stopped = true
      followers -= 1
      if (followers === 0) {
        stopChannels?.()
        stopChannels = null
        liveStatus.value = 'off'
      }
    }
  }

  function setQr(channelId: string, qr: ChannelQrCode | null): void {
    qrById.value = { ...qrById.value, [channelId]: qr }
  }

  async function loadQr(channelId: string): Promise<void> {
    setQr(channelId, await channelsService.fetchQrCode(supabase, channelId))
  }

  /** Follows one connection's QR code as Evolution rotates it; returns the unsubscribe. */
  function followQr(channelId: string): () => void {
    void loadQr(channelId).catch(() => undefined)
    if (!import.meta.client) return () => undefined
    return channelsService.subscribeToQrCode(supabase, channelId, {
      onUpsert: qr => setQr(qr.channelId, qr),
      onDelete: () => setQr(channelId, null),
      onResync: () => void loadQr(channelId).catch(() => undefined),
    })
  }

  /** A connect/setup answer carries the QR before Realtime does: show it at once. */
  function applyAnswer(channelId: string, answer: EvolutionAnswer): EvolutionAnswer {
    if (answer.qr_code || answer.qr_image) {
      setQr(channelId, {
        channelId,
        qrCode: answer.qr_code ?? answer.qr_image,
        pairingCode: answer.pairing_code,
        expiresAt: answer.qr_expires_at,
        updatedAt: new Date().toISOString(),
      })
    }
    else if (answer.state === 'connected' || answer.state === 'disconnected') {
      setQr(channelId, null)
    }
    const channel = byId.value[channelId]
    if (channel && channel.connection_state !== answer.state) {
      remember({ ...channel, connection_state: answer.state, state_reason: answer.reason })
    }
    return answer
  }

  // Actions ------------------------------------------------------------------------------------------

  /** Runs one action of one connection, flagging it busy meanwhile. */
  async function run<T>(channelId: string, action: ChannelAction, task: () => Promise<T>): Promise<T> {
    busy.value = { ...busy.value, [channelId]: action }
    try {
      return await task()
    }
    finally {
      const { [channelId]: _done, ...rest } = busy.value
      busy.value = rest
    }
  }

  /**
   * Only one connection is the default (a unique index): making another one the default first takes
   * the mark off the current one, and gives it back if saving the new one fails.
   */
  async function withDefaultMoved<T>(newDefaultId: string | null, save: () => Promise<T>): Promise<T> {
    const current = list.value.find(channel => channel.is_default && channel.id !== newDefaultId)
    if (!current) return save()
    remember(await channelsService.updateChannel(supabase, current.id, { is_default: false }))
    try {
      return await save()
    }
    catch (error) {
      remember(await channelsService.updateChannel(supabase, current.id, { is_default: true }).catch(() => current))
      throw error
    }
  }

  /** Inserts the row; the provider is set up afterwards (`setupEvolution` / `setupCloud`). */
  async function create(provider: Channel['provider'], fields: ChannelFields): Promise<Channel> {
    if (!loaded.value) await load()
    const insert = async () => remember(await channelsService.createChannel(supabase, provider, fields))
    return fields.is_default ? withDefaultMoved(null, insert) : insert()
  }

  function update(id: string, patch: ChannelPatch): Promise<Channel> {
    return run(id, 'save', async () => {
      const save = async () => remember(await channelsService.updateChannel(supabase, id, patch))
      if (!patch.is_default || byId.value[id]?.is_default) return save()
      if (!loaded.value) await load()
      return withDefaultMoved(id, save)
    })
  }

  function setupEvolution(id: string, input: EvolutionSetupInput): Promise<EvolutionAnswer> {
    return run(id, 'setup', async () => applyAnswer(id, await channelsService.evolutionSetup(supabase, id, input)))
  }

  function setupCloud(id: string, input: CloudSetupInput): Promise<channelsService.CloudSetupAnswer> {
    return run(id, 'setup', async () => {
      const answer = await channelsService.cloudSetup(supabase, id, input)
      await loadOne(id)
      return answer
    })
  }

  function cloudDetails(id: string): Promise<CloudDetails> {
    return channelsService.cloudDetails(supabase, id)
  }

  function evolutionDetails(id: string): Promise<channelsService.EvolutionDetails> {
    return channelsService.evolutionDetails(supabase, id)
  }

  /** A new QR (or, with the company number, a pairing code); re-creates a removed instance. */
  function connect(id: string, phoneNumber: string | null = null): Promise<EvolutionAnswer> {
    return run(id, 'connect', async () => applyAnswer(id, await channelsService.evolutionConnect(supabase, id, phoneNumber)))
  }

  function refreshState(id: string): Promise<EvolutionAnswer> {
    return channelsService.evolutionState(supabase, id).then(answer => applyAnswer(id, answer))
  }

  function logout(id: string): Promise<EvolutionAnswer> {
    return run(id, 'logout', async () => applyAnswer(id, await channelsService.evolutionLogout(supabase, id)))
  }

  /**
   * Removes the instance from the Evolution server, then the row. The row delete is refused
   * (`channel_has_history`, an RpcError) once the connection has tickets; the caller offers to
   * deactivate it instead.
   */
  function remove(id: string): Promise<void> {
    return run(id, 'delete', async () => {
      const channel = byId.value[id] ?? await loadOne(id)
      if (!channel) return
      // With history the database refuses the delete (and says why, in pt-BR): ask it before
      // removing the instance, so a refused delete never disconnects a working number.
      const refused = await channelsService.channelHasTickets(supabase, id)
      if (channel.provider === 'evolution' && !refused) await channelsService.evolutionDelete(supabase, id)
      await channelsService.deleteChannel(supabase, id)
      forget(id)
    })
  }

  function setActive(id: string, active: boolean): Promise<Channel> {
    return run(id, 'deactivate', async () => remember(await channelsService.updateChannel(supabase, id, { active })))
  }

  // Signing out (or in as someone else): QR codes are admins' business only, start from nothing.
  const session = useSessionStore()
  watch(() => session.user?.id, (next, previous) => {
    if (next === previous) return
    byId.value = {}
    qrById.value = {}
    busy.value = {}
    loaded.value = false
    error.value = null
  })

  return {
    byId,
    list,
    loading,
    loaded,
    error,
    liveStatus,
    qrById,
    busy,
    channelById,
    load,
    loadOne,
    follow,
    followQr,
    loadQr,
    create,
    update,
    setupEvolution,
    setupCloud,
    cloudDetails,
    evolutionDetails,
    connect,
    refreshState,
    logout,
    remove,
    setActive,
  }
})
