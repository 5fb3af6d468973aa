/**
 * Faults on demand, globally or for one instance / phone number id: duplicated or reordered webhooks,
 * failing sends, a provider outage, Meta's 24-hour window. Counted faults are consumed as they fire, the
 * target's own first.
 */
import type { ChangeBus } from './runtime.ts'
import type { Faults, FaultsView, ProviderName, SendFailureMode } from './types.ts'
import { type Json, InvalidInput, oneOf, optionalBooleanAt, optionalIntegerAt, optionalObject } from './validate.ts'

export const SEND_FAILURE_MODES: readonly SendFailureMode[] = ['http500', 'timeout', 'outage', 'not_on_whatsapp', 'cloud_131047']

function noFaults(): Faults {
  return { duplicateWebhooks: 0, reorderWebhooks: false, failSends: null, outage: false, enforceCloudWindow: false }
}

export class FaultController {
  private global: Faults = noFaults()
  private readonly scoped = new Map<string, Faults>()

  constructor(private readonly bus: ChangeBus, private readonly heldCount: () => number) {}

  /** `scope` is a target key (`evolution:<name>`, `cloud:<id>`) or undefined for global. */
  get(scope?: string): Faults {
    return structuredClone(scope ? this.scoped.get(scope) ?? noFaults() : this.global)
  }

  view(): FaultsView {
    return {
      global: this.get(),
      targets: Object.fromEntries([...this.scoped].map(([key, faults]) => [key, structuredClone(faults)])),
      heldWebhooks: this.heldCount(),
    }
  }

  /** Merges a validated patch; returns the new faults of that scope. */
  set(patch: Json, scope?: string): Faults {
    const next = { ...this.get(scope), ...parseFaultsPatch(patch) }
    if (scope) this.scoped.set(scope, next)
    else this.global = next
    this.bus.emit({ type: 'faults' })
    return structuredClone(next)
  }

  clear(scope?: string): void {
    if (scope) this.scoped.delete(scope)
    else this.global = noFaults()
    this.bus.emit({ type: 'faults' })
  }

  clearAll(): void {
    this.global = noFaults()
    this.scoped.clear()
    this.bus.emit({ type: 'faults' })
  }

  private chain(target: string): Faults[] {
    const own = this.scoped.get(target)
    return own ? [own, this.global] : [this.global]
  }

  takeDuplicate(target: string): boolean {
    const faults = this.chain(target).find(candidate => candidate.duplicateWebhooks > 0)
    if (!faults) return false
    faults.duplicateWebhooks--
    this.bus.emit({ type: 'faults' })
    return true
  }

  isReordering(target: string): boolean {
    return this.chain(target).some(faults => faults.reorderWebhooks)
  }

  isOutage(target: string): boolean {
    return this.chain(target).some(faults => faults.outage)
  }

  enforcesCloudWindow(target: string): boolean {
    return this.chain(target).some(faults => faults.enforceCloudWindow)
  }

  /** The failure the next send must suffer, if any. `cloud_131047` only hits Cloud sends. */
  takeSendFailure(target: string, provider: ProviderName): SendFailureMode | null {
    for (const faults of this.chain(target)) {
      const failure = faults.failSends
      if (!failure || failure.count <= 0) continue
      if (failure.mode === 'cloud_131047' && provider !== 'cloud') continue
      failure.count--
      if (failure.count === 0) faults.failSends = null
      this.bus.emit({ type: 'faults' })
      return failure.mode
    }
    return null
  }
}

function parseFaultsPatch(patch: Json): Partial<Faults> {
  const known = new Set(['duplicateWebhooks', 'reorderWebhooks', 'failSends', 'outage', 'enforceCloudWindow'])
  const unknown = Object.keys(patch).filter(key => !known.has(key))
  if (unknown.length > 0) throw new InvalidInput(`campos desconhecidos: ${unknown.join(', ')}`)
  const result: Partial<Faults> = {}
  const duplicates = optionalIntegerAt(patch, 'duplicateWebhooks', 0, 1000)
  if (duplicates !== undefined) result.duplicateWebhooks = duplicates
  const reorder = optionalBooleanAt(patch, 'reorderWebhooks')
  if (reorder !== undefined) result.reorderWebhooks = reorder
  const outage = optionalBooleanAt(patch, 'outage')
  if (outage !== undefined) result.outage = outage
  const window = optionalBooleanAt(patch, 'enforceCloudWindow')
  if (window !== undefined) result.enforceCloudWindow = window
  if ('failSends' in patch) {
    const failSends = optionalObject(patch.failSends, 'failSends')
    if (!failSends) {
      result.failSends = null
    }
    else {
      const count = optionalIntegerAt(failSends, 'count', 0, 1000, 'failSends.count') ?? 1
      const mode = oneOf(failSends.mode, SEND_FAILURE_MODES, 'failSends.mode')
      result.failSends = count === 0 ? null : { count, mode }
    }
  }
  return result
}
