/** JID parsing and Brazilian 9th-digit variants used to keep one person as one contact. */
import { describe, expect, it } from 'vitest'
import {
  brazilianVariants,
  isGroupJid,
  isLidJid,
  isStatusBroadcastJid,
  lidFromJid,
  parseJid,
  phoneFromJid,
} from '../../supabase/functions/_shared/providers/phone.ts'

describe('parseJid', () => {
  it.each([
    ['5511987654321@s.whatsapp.net', { kind: 'phone', user: '5511987654321', jid: '5511987654321@s.whatsapp.net' }],
    ['5511987654321@c.us', { kind: 'phone', user: '5511987654321', jid: '5511987654321@s.whatsapp.net' }],
    ['557391639625:75@s.whatsapp.net', { kind: 'phone', user: '557391639625', jid: '557391639625@s.whatsapp.net' }],
    ['5511987654321', { kind: 'phone', user: '5511987654321', jid: '5511987654321@s.whatsapp.net' }],
    ['274398732198423@lid', { kind: 'lid', user: '274398732198423', jid: '274398732198423@lid' }],
    ['274398732198423:12@lid', { kind: 'lid', user: '274398732198423', jid: '274398732198423@lid' }],
    ['120363025246125486@g.us', { kind: 'group', user: '120363025246125486', jid: '120363025246125486@g.us' }],
    ['status@broadcast', { kind: 'status_broadcast', user: 'status', jid: 'status@broadcast' }],
    ['120363000000000000@newsletter', { kind: 'newsletter', user: '120363000000000000', jid: '120363000000000000@newsletter' }],
    ['abc@s.whatsapp.net', { kind: 'unknown', user: 'abc', jid: 'abc@s.whatsapp.net' }],
  ])('%s', (jid, expected) => {
    expect(parseJid(jid)).toEqual(expected)
  })

  it('answers the identity questions ingestion asks', () => {
    expect(phoneFromJid('5511987654321:3@s.whatsapp.net')).toBe('5511987654321')
    expect(phoneFromJid('274398732198423@lid')).toBeNull()
    expect(phoneFromJid('120363025246125486@g.us')).toBeNull()
    expect(lidFromJid('274398732198423:4@lid')).toBe('274398732198423@lid')
    expect(lidFromJid('5511987654321@s.whatsapp.net')).toBeNull()
    expect(isLidJid('274398732198423@lid')).toBe(true)
    expect(isLidJid('5511987654321@s.whatsapp.net')).toBe(false)
    expect(isGroupJid('120363025246125486@g.us')).toBe(true)
    expect(isGroupJid('status@broadcast')).toBe(false)
    expect(isStatusBroadcastJid('status@broadcast')).toBe(true)
    expect(isStatusBroadcastJid('5511987654321@s.whatsapp.net')).toBe(false)
  })
})

describe('brazilianVariants', () => {
  it.each([
    ['São Paulo mobile with the 9', '5511987654321', ['5511987654321', '551187654321']],
    ['São Paulo mobile without the 9', '551187654321', ['5511987654321', '551187654321']],
    ['old mobile starting with 9', '551198765432', ['5511998765432', '551198765432']],
    ['old mobile starting with 6', '553161234567', ['5531961234567', '553161234567']],
    ['formatted input', '+55 (21) 99887-7665', ['5521998877665', '552198877665']],
    ['landline (starts with 3)', '551133334444', ['551133334444']],
    ['landline (starts with 2)', '552125550000', ['552125550000']],
    ['another country', '14155550123', ['14155550123']],
    ['13 digits without the 9', '5511887654321', ['5511887654321']],
    ['area code with a 0', '5501987654321', ['5501987654321']],
    ['too short', '5511987', ['5511987']],
  ])('%s', (_label, input, expected) => {
    expect(brazilianVariants(input)).toEqual(expected)
  })

  it('gives both forms the same variant set, so either one finds the contact', () => {
    expect(brazilianVariants('5585999998888')).toEqual(brazilianVariants('558599998888'))
  })
})
