/**
 * Presence bookkeeping with Phoenix.Presence's shapes: joins, updates (leave + join with phx_ref_prev),
 * no-op re-tracks and leaves, grouped by key in presence_state.
 */
import { describe, expect, it } from 'vitest'
import type { PresenceDiff } from '../../local-stack/gateway/realtime/hub.ts'
import { PresenceTracker } from '../../local-stack/gateway/realtime/presence.ts'

function tracker() {
  const diffs: Array<{ topic: string, diff: PresenceDiff }> = []
  return { presence: new PresenceTracker((topic, diff) => diffs.push({ topic, diff })), diffs }
}

describe('presence tracker', () => {
  it('publishes a join and lists it under its key', () => {
    const { presence, diffs } = tracker()
    const tab = {}
    presence.track('realtime:room', tab, 'carla', { status: 'online' })
    const ref = presence.state('realtime:room').carla!.metas[0]!.phx_ref
    expect(typeof ref).toBe('string')
    expect(diffs).toEqual([{ topic: 'realtime:room', diff: { joins: { carla: { metas: [{ status: 'online', phx_ref: ref }] } }, leaves: {} } }])
  })

  it('turns a changed payload into leave + join with phx_ref_prev, and ignores an unchanged one', () => {
    const { presence, diffs } = tracker()
    const tab = {}
    presence.track('realtime:room', tab, 'carla', { status: 'online' })
    presence.track('realtime:room', tab, 'carla', { status: 'online' })
    expect(diffs).toHaveLength(1)
    presence.track('realtime:room', tab, 'carla', { status: 'away' })
    const [first, second] = diffs
    const oldMeta = first!.diff.joins.carla!.metas[0]!
    expect(second!.diff.leaves).toEqual({ carla: { metas: [oldMeta] } })
    expect(second!.diff.joins.carla!.metas[0]).toMatchObject({ status: 'away', phx_ref_prev: oldMeta.phx_ref })
    expect(presence.state('realtime:room').carla!.metas).toHaveLength(1)
  })

  it('groups several owners with one key and removes only the leaving one', () => {
    const { presence, diffs } = tracker()
    const tabA = {}
    const tabB = {}
    presence.track('realtime:room', tabA, 'carla', { tab: 'a' })
    presence.track('realtime:room', tabB, 'carla', { tab: 'b' })
    expect(presence.state('realtime:room').carla!.metas.map(meta => meta.tab)).toEqual(['a', 'b'])
    presence.untrack('realtime:room', tabA)
    expect(diffs.at(-1)!.diff.leaves.carla!.metas[0]).toMatchObject({ tab: 'a' })
    expect(presence.state('realtime:room').carla!.metas.map(meta => meta.tab)).toEqual(['b'])
    presence.untrack('realtime:room', tabB)
    expect(presence.state('realtime:room')).toEqual({})
  })
})
