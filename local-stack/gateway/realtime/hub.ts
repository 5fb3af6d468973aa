/**
 * Topic membership and broadcast fan-out, the local counterpart of Realtime's PubSub topics. Each joined
 * channel is a member of its topic (`realtime:<name>`); senders may exclude themselves (`self: false`).
 */
import type { JsonObject, UserBroadcast } from './serializer.ts'

/**
 * A broadcast as it travels: `json` is a Phoenix broadcast whose payload is relayed as-is
 * (`{type: 'broadcast', event, payload}` from a JSON push or the REST API); `user` came from a binary
 * frame or httpSend and goes out as a kind-4 frame (converted to JSON for vsn 1.0.0).
 */
export type BroadcastMessage
  = | { kind: 'json', payload: JsonObject }
    | { kind: 'user', broadcast: UserBroadcast }

export interface PresenceDiff {
  joins: Record<string, { metas: JsonObject[] }>
  leaves: Record<string, { metas: JsonObject[] }>
}

export interface TopicMember {
  readonly topic: string
  receiveBroadcast(message: BroadcastMessage): void
  receivePresenceDiff(diff: PresenceDiff): void
}

export class TopicHub {
  private readonly topics = new Map<string, Set<TopicMember>>()

  add(member: TopicMember): void {
    let members = this.topics.get(member.topic)
    if (!members) {
      members = new Set()
      this.topics.set(member.topic, members)
    }
    members.add(member)
  }

  remove(member: TopicMember): void {
    const members = this.topics.get(member.topic)
    if (!members) return
    members.delete(member)
    if (members.size === 0) this.topics.delete(member.topic)
  }

  broadcast(topic: string, message: BroadcastMessage, except?: TopicMember): void {
    for (const member of this.topics.get(topic) ?? []) {
      if (member !== except) member.receiveBroadcast(message)
    }
  }

  publishPresenceDiff(topic: string, diff: PresenceDiff): void {
    for (const member of this.topics.get(topic) ?? []) member.receivePresenceDiff(diff)
  }
}
