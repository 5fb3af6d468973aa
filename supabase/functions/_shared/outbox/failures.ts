/**
 * Failures the sender finds itself, before or around the provider call, in the same `SendFailure` shape
 * as the providers' classified errors, with pt-BR reasons the agent reads on the failed message.
 */
import type { FailureCategory, FailureKind, OutboundProblem, SendFailure } from '../providers/outbound.ts'

export function localFailure(kind: FailureKind, category: FailureCategory, reason: string, detail: string | null = null): SendFailure {
  return { kind, category, reason, httpStatus: null, providerCode: null, providerMessage: detail }
}

/** Thrown inside one delivery to stop it with a decided outcome. */
export class DeliveryError extends Error {
  constructor(readonly failure: SendFailure) {
    super(failure.providerMessage ?? failure.reason)
    this.name = 'DeliveryError'
  }
}

/** `OutboundMessageError.problem` → what the agent is told. Every problem is listed (the type checks it). */
export const OUTBOUND_PROBLEM_REASONS: Readonly<Record<OutboundProblem, string>> = {
  invalid_recipient: 'O número do contato não serve para envio pelo WhatsApp: confira o telefone no cadastro do contato.',
  text_required: 'A mensagem está vazia.',
  text_too_long: 'A mensagem passa do tamanho máximo do WhatsApp (4.096 caracteres no texto, 1.024 na legenda).',
  caption_not_allowed: 'Áudios e figurinhas não podem ter legenda.',
  media_required: 'Falta o arquivo da mensagem.',
  media_not_allowed: 'Mensagens de texto não levam arquivo.',
  voice_note_not_audio: 'Só áudios podem ser enviados como mensagem de voz.',
  unsupported_media_source: 'O arquivo não pôde ser preparado para este provedor de WhatsApp.',
  invalid_media: 'O arquivo não pôde ser preparado para envio.',
  file_name_required: 'O documento precisa de um nome de arquivo.',
  invalid_reply_to: 'A mensagem citada não tem identificação no WhatsApp; envie sem citar.',
  invalid_channel_config: 'A configuração da conexão de WhatsApp está incompleta ou inválida: revise-a em Conexões.',
}

export const REASONS = {
  channelMissing: 'A conexão de WhatsApp desta conversa não existe mais.',
  channelInactive: (name: string) => `A conexão de WhatsApp “${name}” está desativada: reative-a em Conexões e reenvie a mensagem.`,
  evolutionNotConfigured: (name: string) => `A conexão “${name}” não tem os dados da Evolution API (endereço do servidor, chave e instância): complete-os em Conexões.`,
  cloudNotConfigured: (name: string) => `A conexão “${name}” não tem os dados da API oficial do WhatsApp (token e ID do número): complete-os em Conexões.`,
  noRecipient: 'O contato não tem um número de WhatsApp conhecido para receber a mensagem.',
  unsendableKind: (kind: string) => `Mensagens do tipo “${kind}” não podem ser enviadas pelo WhatsApp.`,
  mediaMissing: 'O arquivo anexado não foi encontrado no armazenamento; anexe-o de novo.',
  mediaUnavailable: 'O armazenamento de arquivos não respondeu; o envio será repetido em instantes.',
  uploadUnconfirmed: 'A Meta não confirmou o recebimento do arquivo; o envio será repetido em instantes.',
  noProviderId: 'O provedor aceitou o envio mas não devolveu o identificador da mensagem; confira no WhatsApp do cliente se ela chegou antes de reenviar.',
  internal: 'Erro interno ao enviar; o envio será repetido em instantes.',
  gaveUp: (lastReason: string) => `Não foi possível enviar após várias tentativas: ${lastReason}`,
} as const
