/**
 * Presence per topic with Phoenix.Presence's wire shapes: `presence_state` is
 * `{key: {metas: [{phx_ref, …meta}]}}` and every change goes to all members of the topic as
 * `presence_diff` `{joins, leaves}`. A channel tracks one presence under its key (`config.presence.key`
 * or a generated UUID); tracking again with a new payload is an update (leave of the old meta, join of
 * the new one with `phx_ref_prev`), with the same payload a no-op, as Realtime's PresenceHandler does.
 */
import { randomBytes } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import type { PresenceDiff } from './hub.ts'
import type { JsonObject } from './serializer.ts'

interface Tracked {
  key: string
  payload: JsonObject
  meta: JsonObject
}

/** Phoenix refs are short random strings; the client only compares them. */
function newRef(): string {
  return randomBytes(9).toString('base64url')
}

export class PresenceTracker {
  /** topic → owner (a channel) → its tracked presence, in tracking order. */
  private readonly topics = new Map<string, Map<object, Tracked>>()

  constructor(private readonly publishDiff: (topic: string, diff: PresenceDiff) => void) {}

  track(topic: string, owner: object, key: string, payload: JsonObject): void {
    let owners = this.topics.get(topic)
    if (!owners) {
      owners = new Map()
      this.topics.set(topic, owners)
    }
    const previous = owners.get(owner)
    if (previous && previous.key === key && isDeepStrictEqual(previous.payload, payload)) return

    const meta: JsonObject = { ...payload, phx_ref: newRef() }
    const diff: PresenceDiff = { joins: {}, leaves: {} }
    if (previous) {
      meta.phx_ref_prev = previous.meta.phx_ref
      diff.leaves[previous.key] = { metas: [previous.meta] }
    }
    diff.joins[key] = { metas: [meta] }
    owners.set(owner, { key, payload, meta })
    this.publishDiff(topic, diff)
  }

  untrack(topic: string, owner: object): void {
    const owners = this.topics.get(topic)
    const tracked = owners?.get(owner)
    if (!owners || !tracked) return
    owners.delete(owner)
    if (owners.size === 0) this.topics.delete(topic)
    this.publishDiff(topic, { joins: {}, leaves: { [tracked.key]: { metas: [tracked.meta] } } })
  }

  /** The topic's presences grouped by key, as `presence_state` carries them. */
  state(topic: string): Record<string, { metas: JsonObject[] }> {
    const state: Record<string, { metas: JsonObject[] }> = {}
    for (const tracked of this.topics.get(topic)?.values() ?? []) {
      const entry = state[tracked.key] ??= { metas: [] }
      entry.metas.push(tracked.meta)
    }
    return state
  }
}
