import { createDiscreteApi, type MessageApi } from 'naive-ui'

let discreteMessage: MessageApi | undefined

/**
 * Toast messages for code that runs outside components (route middleware, plugins). Components use
 * naive-ui's `useMessage()` under the root provider instead.
 */
export function useAppMessage(): MessageApi {
  discreteMessage ??= createDiscreteApi(['message'], { configProviderProps: useNaiveConfig() }).message
  return discreteMessage
}
