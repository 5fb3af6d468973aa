import { ANALYTICS_API_PATH, apiKeyStatus } from '~/constants/api-keys'
import * as apiKeysService from '~/services/api-keys'
import type { AnalyticsDataset, ApiKeyRow, CreatedApiKey, NewApiKeyInput } from '~/services/api-keys'
import { errorText } from '~/services/errors'

/**
 * Chaves de API (admin): every key by id (never the key itself, only its prefix), the datasets a key
 * may be scoped to, and the create/revoke actions with their flags. A new key's clear text is returned
 * to the caller once and not kept here.
 */
export const useAdminApiKeysStore = defineStore('admin-api-keys', () => {
  const supabase = useSupabase()
  const session = useSessionStore()
  const { supabaseUrl } = useRuntimeConfig().public

  const byId = ref<Record<string, ApiKeyRow>>({})
  const datasets = ref<AnalyticsDataset[]>([])
  const loading = ref(false)
  const loaded = ref(false)
  /** pt-BR, for the page's error state. */
  const error = ref<string | null>(null)
  const creating = ref(false)
  const revoking = ref<Record<string, boolean>>({})

  /** The analytics API's public address, as the examples and Power BI use it. */
  const apiUrl = computed(() => `${String(supabaseUrl).replace(/\/+$/, '')}${ANALYTICS_API_PATH}`)

  /** Active keys first, then the rest; newest first within each. */
  const list = computed(() => {
    const now = Date.now()
    return Object.values(byId.value).sort((a, b) => {
      const activeA = apiKeyStatus(a, now) === 'active' ? 0 : 1
      const activeB = apiKeyStatus(b, now) === 'active' ? 0 : 1
      return activeA - activeB || b.created_at.localeCompare(a.created_at)
    })
  })

  let request = 0
  async function load(): Promise<void> {
    const current = ++request
    loading.value = true
    error.value = null
    try {
      const [keys, sets] = await Promise.all([apiKeysService.fetchApiKeys(supabase), apiKeysService.fetchAnalyticsDatasets(supabase)])
      if (current !== request) return
      byId.value = Object.fromEntries(keys.map(key => [key.id, key]))
      datasets.value = sets
      loaded.value = true
    }
    catch (cause) {
      if (current === request) error.value = errorText(cause)
    }
    finally {
      if (current === request) loading.value = false
    }
  }

  async function create(input: NewApiKeyInput): Promise<CreatedApiKey> {
    creating.value = true
    try {
      const created = await apiKeysService.createApiKey(supabase, input)
      byId.value = {
        ...byId.value,
        [created.id]: {
          id: created.id,
          name: created.name,
          key_prefix: created.key_prefix,
          scopes: created.scopes,
          rate_limit_per_minute: created.rate_limit_per_minute,
          // create_api_key records the caller as the creator.
          created_by: session.profile?.id ?? null,
          creator_name: session.profile?.full_name ?? null,
          created_at: created.created_at,
          expires_at: created.expires_at,
          revoked_at: null,
          last_used_at: null,
        },
      }
      return created
    }
    finally {
      creating.value = false
    }
  }

  async function revoke(keyId: string): Promise<void> {
    revoking.value = { ...revoking.value, [keyId]: true }
    try {
      const { revoked_at } = await apiKeysService.revokeApiKey(supabase, keyId)
      const current = byId.value[keyId]
      if (current) byId.value = { ...byId.value, [keyId]: { ...current, revoked_at } }
    }
    finally {
      const { [keyId]: _done, ...rest } = revoking.value
      revoking.value = rest
    }
  }

  return { byId, list, datasets, apiUrl, loading, loaded, error, creating, revoking, load, create, revoke }
})
