import type { Ref } from 'vue'
import { MESSAGE_LABELS } from '~/constants/messages'
import type { Message } from '~/types/domain'

/** Who wrote a message, as the conversation names them: the contact, "Você", a colleague, the bot. */
export function useMessageAuthors(contactName: Ref<string>) {
  const session = useSessionStore()
  const catalogues = useCataloguesStore()

  function authorName(message: Pick<Message, 'direction' | 'sender_type' | 'sender_id'>): string {
    if (message.direction === 'inbound') return contactName.value
    if (message.sender_type === 'bot') return MESSAGE_LABELS.bot
    if (message.sender_type === 'system') return MESSAGE_LABELS.system
    if (!message.sender_id) return MESSAGE_LABELS.companyPhone
    if (message.sender_id === session.user?.id) return MESSAGE_LABELS.you
    return catalogues.staffById(message.sender_id)?.full_name ?? MESSAGE_LABELS.unknownAgent
  }

  return { authorName }
}
