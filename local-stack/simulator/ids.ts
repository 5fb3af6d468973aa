/** Identifiers in the forms the real providers use, so code that looks at them sees familiar values. */
import { randomBytes, randomUUID } from 'node:crypto'

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex').toUpperCase()
}

/** Baileys ids: `3EB0…` (22 chars) for messages sent from WhatsApp Web / the API, `3A…` (20 chars) from an iPhone. */
export function evolutionApiMessageId(): string {
  return `3EB0${hex(9)}`
}

export function evolutionPhoneMessageId(): string {
  return `3A${hex(9)}`
}

export function uuid(): string {
  return randomUUID()
}

/** Evolution's own database ids are Prisma cuids (`cmh0k2v9x000hqe0l3n7y8z1a`). */
export function cuid(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  const bytes = randomBytes(23)
  return `cm${[...bytes].map(byte => alphabet[byte % alphabet.length]).join('')}`
}

/** Instance tokens (`hash`) are upper-case UUIDs. */
export function evolutionToken(): string {
  return randomUUID().toUpperCase()
}

/**
 * Cloud API message ids: `wamid.` + base64 of a small binary record holding the customer's number and a
 * hex id; `0x12` marks messages from the customer, `0x11` messages from the business.
 */
export function wamid(customerWaId: string, fromCustomer: boolean): string {
  const id = fromCustomer ? hex(10) : hex(9)
  const record = Buffer.concat([
    Buffer.from([0x1C, 0x18, customerWaId.length]),
    Buffer.from(customerWaId),
    Buffer.from([0x15, 0x02, 0x00, fromCustomer ? 0x12 : 0x11, 0x18, id.length]),
    Buffer.from(id),
    Buffer.from([0x00]),
  ])
  return `wamid.${record.toString('base64')}`
}

/** Graph object ids (media, conversations) are long decimal numbers. */
export function graphId(): string {
  const digits = [...randomBytes(16)].map(byte => String(byte % 10)).join('')
  return `${1 + (randomBytes(1)[0]! % 9)}${digits}`
}

export function fbtraceId(): string {
  return randomBytes(17).toString('base64url').slice(0, 23)
}

/** WhatsApp pairing codes: 8 characters from an alphabet without look-alikes. */
export function pairingCode(): string {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTVWXYZ'
  return [...randomBytes(8)].map(byte => alphabet[byte % alphabet.length]).join('')
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex')
}
