import { CHANNEL_FORM_LABELS, DEFAULT_CHANNEL_COLOR, type ChannelProvider } from '~/constants/channels'
import type { ChannelFields, CloudDetails, CloudSetupInput, EvolutionDetails, EvolutionSetupInput } from '~/services/channels'
import { FunctionCallError, errorText } from '~/services/errors'
import type { Channel } from '~/types/domain'
import {
  parseAllowedPhones,
  validateAllowedPhones,
  validateColor,
  validateGraphBaseUrl,
  validateGraphId,
  validateName,
  validateSecret,
  validateServerUrl,
} from '~/utils/channels'

/** Everything the create/edit form holds, as typed (secrets only when retyped). */
export interface ChannelFormModel {
  provider: ChannelProvider
  name: string
  color: string
  isDefault: boolean
  active: boolean
  acceptGroups: boolean
  testMode: boolean
  allowedPhones: string
  serverUrl: string
  apiKey: string
  accessToken: string
  phoneNumberId: string
  wabaId: string
  appSecret: string
  graphBaseUrl: string
}

export type ChannelFormField = keyof ChannelFormModel

/** The edge function names the field it refused (`details.field`); the form shows it there. */
const SERVER_FIELDS: Record<string, ChannelFormField> = {
  base_url: 'serverUrl',
  api_key: 'apiKey',
  access_token: 'accessToken',
  phone_number_id: 'phoneNumberId',
  waba_id: 'wabaId',
  app_secret: 'appSecret',
  graph_base_url: 'graphBaseUrl',
}

const labels = CHANNEL_FORM_LABELS.errors

function emptyModel(provider: ChannelProvider): ChannelFormModel {
  return {
    provider,
    name: '',
    color: DEFAULT_CHANNEL_COLOR,
    isDefault: false,
    active: true,
    acceptGroups: false,
    testMode: false,
    allowedPhones: '',
    serverUrl: '',
    apiKey: '',
    accessToken: '',
    phoneNumberId: '',
    wabaId: '',
    appSecret: '',
    graphBaseUrl: '',
  }
}

/**
 * The create/edit form of a connection: the model, per-field pt-BR validation (live once the admin
 * tried to submit), and the two-step save — the row through REST, then the provider's setup through
 * whatsapp-connect. A setup failure keeps the row (and everything typed) so the admin fixes and retries.
 */
export function useChannelForm(initialProvider: ChannelProvider = 'evolution') {
  const channels = useChannelsStore()

  const model = reactive<ChannelFormModel>(emptyModel(initialProvider))
  const errors = reactive<Partial<Record<ChannelFormField, string | null>>>({})
  /** The connection being edited (also set once a create inserted the row). */
  const channelId = ref<string | null>(null)
  /** Which secrets are saved on the server already (shown as "•••• salvo"). */
  const saved = reactive({ apiKey: false, accessToken: false, appSecret: false })
  /** What was loaded, to tell whether the provider needs a new setup. */
  const loadedCredentials = reactive({ serverUrl: '', phoneNumberId: '', wabaId: '', graphBaseUrl: '' })
  const submitted = ref(false)
  const saving = ref(false)
  /** The last failure, for the alert above the form (field errors show beside their field). */
  const failure = ref<string | null>(null)
  /** The row was saved but the provider's setup failed: the reason comes with it. */
  const setupFailed = ref(false)

  const isCloud = computed(() => model.provider === 'cloud')
  /** The model as loaded or last saved: leaving with something else asks first. */
  const pristine = ref(JSON.stringify(model))
  const dirty = computed(() => JSON.stringify(model) !== pristine.value)

  function fieldError(field: ChannelFormField): string | null {
    const value = model[field]
    switch (field) {
      case 'name': return validateName(model.name)
      case 'color': return validateColor(model.color)
      case 'allowedPhones': return validateAllowedPhones(model.allowedPhones, model.testMode)
      default:
        if (typeof value !== 'string') return null
    }
    if (!isCloud.value) {
      if (field === 'serverUrl') return validateServerUrl(model.serverUrl)
      if (field === 'apiKey') return validateSecret(model.apiKey, { saved: saved.apiKey, required: labels.apiKeyRequired })
      return null
    }
    switch (field) {
      case 'accessToken': return validateSecret(model.accessToken, { saved: saved.accessToken, required: labels.accessTokenRequired })
      case 'appSecret': return validateSecret(model.appSecret, { saved: saved.appSecret, required: labels.appSecretRequired })
      case 'phoneNumberId': return validateGraphId(model.phoneNumberId, { required: true, message: labels.phoneNumberId })
      case 'wabaId': return validateGraphId(model.wabaId, { required: false, message: labels.wabaId })
      case 'graphBaseUrl': return validateGraphBaseUrl(model.graphBaseUrl)
      default: return null
    }
  }

  const FIELDS = Object.keys(emptyModel('evolution')) as ChannelFormField[]

  function validate(): boolean {
    submitted.value = true
    for (const field of FIELDS) errors[field] = fieldError(field)
    return FIELDS.every(field => !errors[field])
  }

  // After the first attempt, errors follow the typing (and clear as soon as a field is right).
  watch(model, () => {
    if (!submitted.value) return
    for (const field of FIELDS) errors[field] = fieldError(field)
  })

  /** Fills the form from a saved connection and what whatsapp-connect says is saved for it. */
  function fill(channel: Channel, details: EvolutionDetails | CloudDetails | null): void {
    Object.assign(model, emptyModel(channel.provider), {
      name: channel.name,
      color: channel.color,
      isDefault: channel.is_default,
      active: channel.active,
      acceptGroups: channel.accept_group_messages,
      testMode: channel.allowed_phones !== null,
      allowedPhones: (channel.allowed_phones ?? []).join('\n'),
    })
    channelId.value = channel.id
    if (details && 'has_api_key' in details) {
      model.serverUrl = details.base_url ?? ''
      saved.apiKey = details.has_api_key
    }
    else if (details) {
      model.phoneNumberId = details.phone_number_id ?? ''
      model.wabaId = details.waba_id ?? ''
      // The verify token exists only after a setup that saved both secrets.
      saved.accessToken = saved.appSecret = details.verify_token !== null
    }
    Object.assign(loadedCredentials, { serverUrl: model.serverUrl, phoneNumberId: model.phoneNumberId, wabaId: model.wabaId, graphBaseUrl: '' })
    submitted.value = false
    failure.value = null
    setupFailed.value = false
    for (const field of FIELDS) errors[field] = null
    pristine.value = JSON.stringify(model)
  }

  function rowFields(): ChannelFields {
    return {
      name: model.name.trim(),
      color: model.color.toLowerCase(),
      is_default: model.isDefault,
      active: model.active,
      accept_group_messages: model.acceptGroups,
      allowed_phones: model.testMode ? parseAllowedPhones(model.allowedPhones).phones : null,
    }
  }

  /** Whether the provider must be set up (again): new connection, changed server or ids, a retyped secret. */
  const credentialsChanged = computed(() => {
    if (isCloud.value) {
      return !saved.accessToken || Boolean(model.accessToken.trim() || model.appSecret.trim())
        || model.phoneNumberId.trim() !== loadedCredentials.phoneNumberId
        || model.wabaId.trim() !== loadedCredentials.wabaId
        || model.graphBaseUrl.trim() !== loadedCredentials.graphBaseUrl
    }
    return !saved.apiKey || Boolean(model.apiKey.trim()) || model.serverUrl.trim() !== loadedCredentials.serverUrl
  })

  function evolutionInput(): EvolutionSetupInput {
    return { baseUrl: model.serverUrl.trim(), apiKey: model.apiKey.trim() || undefined }
  }

  function cloudInput(): CloudSetupInput {
    return {
      phoneNumberId: model.phoneNumberId.trim(),
      wabaId: model.wabaId.trim() || null,
      accessToken: model.accessToken.trim() || undefined,
      appSecret: model.appSecret.trim() || undefined,
      graphBaseUrl: model.graphBaseUrl.trim() || null,
    }
  }

  /** A refusal naming a field goes beside it; anything else to the alert. */
  function showFailure(error: unknown): void {
    const field = error instanceof FunctionCallError ? (error.details as { field?: unknown } | null)?.field : undefined
    const target = typeof field === 'string' ? SERVER_FIELDS[field] : undefined
    if (target) errors[target] = errorText(error)
    failure.value = errorText(error)
  }

  /** Once setup succeeded the secrets are saved: the form shows them as such, and clears what was typed. */
  function markCredentialsSaved(): void {
    if (isCloud.value) {
      saved.accessToken = saved.appSecret = true
      model.accessToken = model.appSecret = ''
    }
    else {
      saved.apiKey = true
      model.apiKey = ''
    }
    Object.assign(loadedCredentials, { serverUrl: model.serverUrl.trim(), phoneNumberId: model.phoneNumberId.trim(), wabaId: model.wabaId.trim(), graphBaseUrl: model.graphBaseUrl.trim() })
  }

  /**
   * Saves: inserts or updates the row, then sets the provider up when its credentials changed.
   * Resolves with the connection when everything worked, null otherwise (the reason is in `failure`).
   */
  async function submit(): Promise<Channel | null> {
    if (saving.value) return null
    failure.value = null
    setupFailed.value = false
    if (!validate()) {
      failure.value = CHANNEL_FORM_LABELS.fixErrors
      return null
    }
    saving.value = true
    let channel: Channel
    try {
      channel = channelId.value
        ? await channels.update(channelId.value, rowFields())
        : await channels.create(model.provider, rowFields())
      channelId.value = channel.id
    }
    catch (error) {
      showFailure(error)
      saving.value = false
      return null
    }
    try {
      if (credentialsChanged.value) {
        if (isCloud.value) await channels.setupCloud(channel.id, cloudInput())
        else await channels.setupEvolution(channel.id, evolutionInput())
        markCredentialsSaved()
      }
      pristine.value = JSON.stringify(model)
      return channels.channelById(channel.id) ?? channel
    }
    catch (error) {
      setupFailed.value = true
      showFailure(error)
      return null
    }
    finally {
      saving.value = false
    }
  }

  return { model, errors, saved, channelId, saving, failure, setupFailed, isCloud, dirty, credentialsChanged, validate, fill, submit }
}

export type ChannelForm = ReturnType<typeof useChannelForm>
