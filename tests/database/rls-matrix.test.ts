/**
 * The permission matrix: every table in `public` and the `media` bucket, for every kind of caller,
 * for select / insert / update / delete. `EXPECTED` is the whole policy at a glance; `STATEMENTS`
 * says what each row runs. Each row runs its statement once per actor, as PostgREST would (role +
 * JWT claims, rolled back), and compares the eight outcomes with the row, so any drift fails with
 * the full row in the diff.
 *
 * Outcomes:
 *   A  allowed    the statement reads or changes the target row
 *   D  denied     SQLSTATE 42501 (no grant on the table/column, or a row the policy's check refuses)
 *   I  invisible  no error, but 0 rows read or changed (the row-level policy hides the row)
 *
 * Actors: anon; admin (Ana); supervisor (Sérgio, both teams); agent = Carla (Suporte Técnico, the
 * team of the "Suporte" fixtures); other = Diego (Financeiro); observer (Olívia); deact = Carla with
 * profiles.active = false (set inside the rolled-back transaction); service = service_role.
 *
 * A table added to `public` fails "matrix coverage" until it has a row for each of the four actions.
 */
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO, type Actor, anon, asUser, closeOwnerPool, ownerPool, runAs, serviceRole } from '../support/db.ts'
import { createChannel, createContact, createMessage, createTicket, uniqueDigits, type TicketRow } from '../support/fixtures.ts'

afterAll(closeOwnerPool)

const ACTORS = ['anon', 'admin', 'supervisor', 'agent', 'other', 'observer', 'deact', 'service'] as const
type ActorName = typeof ACTORS[number]
type Outcome = 'allowed' | 'denied' | 'invisible'

const ACTOR: Record<ActorName, { actor: Actor, userId: string | null, deactivated?: true }> = {
  anon: { actor: anon, userId: null },
  admin: { actor: asUser(DEMO.admin.id), userId: DEMO.admin.id },
  supervisor: { actor: asUser(DEMO.supervisor.id), userId: DEMO.supervisor.id },
  agent: { actor: asUser(DEMO.carla.id), userId: DEMO.carla.id },
  other: { actor: asUser(DEMO.diego.id), userId: DEMO.diego.id },
  observer: { actor: asUser(DEMO.observer.id), userId: DEMO.observer.id },
  deact: { actor: asUser(DEMO.carla.id), userId: DEMO.carla.id, deactivated: true },
  service: { actor: serviceRole, userId: null },
}

/* eslint-disable @stylistic/key-spacing -- the grid is aligned so it reads as a table */
const EXPECTED = {
  //                                                                               anon  admin sup   agent other obs   deact service
  'profiles | another user | select':                                             'D     A     A     A     A     A     I     A',
  'profiles | new profile for an auth user | insert':                             'D     D     D     D     D     D     D     A',
  'profiles | own name and theme | update':                                       'D     A     A     A     A     A     I     A',
  'profiles | another user\'s name | update':                                     'D     I     I     I     I     I     I     A',
  'profiles | own role | update':                                                 'D     D     D     D     D     D     D     A',
  'profiles | a profile | delete':                                                'D     D     D     D     D     D     D     A',

  'teams | a team | select':                                                      'D     A     A     A     A     A     I     A',
  'teams | new team | insert':                                                    'D     A     D     D     D     D     D     A',
  'teams | a team | update':                                                      'D     A     I     I     I     I     I     A',
  'teams | a team | delete':                                                      'D     A     I     I     I     I     I     A',

  'team_members | a membership | select':                                         'D     A     A     A     A     A     I     A',
  'team_members | add Carla to a team | insert':                                  'D     A     D     D     D     D     D     A',
  'team_members | a membership | update':                                         'D     D     D     D     D     D     D     A',
  'team_members | a membership | delete':                                         'D     A     I     I     I     I     I     A',

  'app_settings | the settings | select':                                         'D     A     A     A     A     A     I     A',
  'app_settings | the single row | insert':                                       'D     D     D     D     D     D     D     A',
  'app_settings | timezone, Power BI, closing rules | update':                    'D     A     I     I     I     I     I     A',
  'app_settings | updated_by (not granted) | update':                             'D     D     D     D     D     D     D     A',
  'app_settings | the single row | delete':                                       'D     D     D     D     D     D     D     A',

  'channels | a channel | select':                                                'D     A     A     A     A     A     I     A',
  'channels | new channel | insert':                                              'D     A     D     D     D     D     D     A',
  'channels | a channel | update':                                                'D     A     I     I     I     I     I     A',
  'channels | a channel without tickets | delete':                                'D     A     I     I     I     I     I     A',

  'channel_secrets | a channel\'s keys | select':                                 'D     D     D     D     D     D     D     A',
  'channel_secrets | keys for a channel | insert':                                'D     D     D     D     D     D     D     A',
  'channel_secrets | a channel\'s keys | update':                                 'D     D     D     D     D     D     D     A',
  'channel_secrets | a channel\'s keys | delete':                                 'D     D     D     D     D     D     D     A',

  'channel_qr_codes | a QR code | select':                                        'D     A     I     I     I     I     I     A',
  'channel_qr_codes | a QR code | insert':                                        'D     D     D     D     D     D     D     A',
  'channel_qr_codes | a QR code | update':                                        'D     D     D     D     D     D     D     A',
  'channel_qr_codes | a QR code | delete':                                        'D     D     D     D     D     D     D     A',

  'bot_settings | a channel\'s bot | select':                                     'D     A     A     A     A     A     I     A',
  'bot_settings | bot for a channel without one | insert':                        'D     A     D     D     D     D     D     A',
  'bot_settings | a channel\'s bot | update':                                     'D     A     I     I     I     I     I     A',
  'bot_settings | a channel\'s bot | delete':                                     'D     D     D     D     D     D     D     A',

  'bot_menu_options | a menu option | select':                                    'D     A     A     A     A     A     I     A',
  'bot_menu_options | new menu option | insert':                                  'D     A     D     D     D     D     D     A',
  'bot_menu_options | a menu option | update':                                    'D     A     I     I     I     I     I     A',
  'bot_menu_options | a menu option | delete':                                    'D     A     I     I     I     I     I     A',

  'contacts | a contact (with a Financeiro ticket) | select':                     'D     A     A     A     A     A     I     A',
  'contacts | new contact | insert':                                              'D     D     D     D     D     D     D     A',
  'contacts | display_name, email, notes, extra_fields, tags, blocked | update':  'D     A     A     A     A     D     I     A',
  'contacts | phone | update':                                                    'D     D     D     D     D     D     D     A',
  'contacts | whatsapp_name | update':                                            'D     D     D     D     D     D     D     A',
  'contacts | a contact without tickets | delete':                                'D     D     D     D     D     D     D     A',

  'contact_identities | an identity | select':                                    'D     A     A     A     A     A     I     A',
  'contact_identities | new identity | insert':                                   'D     D     D     D     D     D     D     A',
  'contact_identities | an identity | update':                                    'D     D     D     D     D     D     D     A',
  'contact_identities | an identity | delete':                                    'D     D     D     D     D     D     D     A',

  'classifications | a classification | select':                                  'D     A     A     A     A     A     I     A',
  'classifications | new classification | insert':                                'D     A     D     D     D     D     D     A',
  'classifications | a classification | update':                                  'D     A     I     I     I     I     I     A',
  'classifications | a classification | delete':                                  'D     A     I     I     I     I     I     A',

  'quick_replies | global reply | select':                                        'D     A     A     A     A     A     I     A',
  'quick_replies | Suporte reply | select':                                       'D     A     A     A     I     I     I     A',
  'quick_replies | Financeiro reply | select':                                    'D     A     A     I     A     I     I     A',
  'quick_replies | new global reply | insert':                                    'D     A     A     A     A     D     D     A',
  'quick_replies | new Suporte reply | insert':                                   'D     A     A     A     D     D     D     A',
  'quick_replies | global reply written by Bruno | update':                       'D     A     A     A     A     I     I     A',
  'quick_replies | Suporte reply | update':                                       'D     A     A     A     I     I     I     A',
  'quick_replies | move a Suporte reply to Financeiro | update':                  'D     A     A     D     I     I     I     A',
  'quick_replies | Suporte reply written by Carla | delete':                      'D     A     A     A     I     I     I     A',
  'quick_replies | global reply written by Bruno | delete':                       'D     A     A     I     I     I     I     A',

  'tickets | Suporte, queued | select':                                           'D     A     A     A     I     A     I     A',
  'tickets | Suporte, closed | select':                                           'D     A     A     A     I     A     I     A',
  'tickets | Financeiro, queued | select':                                        'D     A     A     I     A     A     I     A',
  'tickets | Financeiro, open, assigned to Carla | select':                       'D     A     A     A     A     A     I     A',
  'tickets | bot stage, no team | select':                                        'D     A     A     I     I     A     I     A',
  'tickets | bot stage, Suporte team set | select':                               'D     A     A     I     I     A     I     A',
  'tickets | new ticket | insert':                                                'D     D     D     D     D     D     D     A',
  'tickets | Suporte, queued | update':                                           'D     D     D     D     D     D     D     A',
  'tickets | Suporte, queued | delete':                                           'D     D     D     D     D     D     D     A',

  'ticket_events | event of a Suporte ticket | select':                           'D     A     A     A     I     A     I     A',
  'ticket_events | event of a Financeiro ticket | select':                        'D     A     A     I     A     A     I     A',
  'ticket_events | new event | insert':                                           'D     D     D     D     D     D     D     A',
  'ticket_events | an event | update':                                            'D     D     D     D     D     D     D     A',
  'ticket_events | an event | delete':                                            'D     D     D     D     D     D     D     A',

  'messages | message of a Suporte ticket | select':                              'D     A     A     A     I     A     I     A',
  'messages | private note on a Suporte ticket | select':                         'D     A     A     A     I     A     I     A',
  'messages | message of a Financeiro ticket | select':                           'D     A     A     I     A     A     I     A',
  'messages | message of a bot-stage ticket | select':                            'D     A     A     I     I     A     I     A',
  'messages | message without a ticket | select':                                 'D     A     I     I     I     I     I     A',
  'messages | new message | insert':                                              'D     D     D     D     D     D     D     A',
  'messages | a message | update':                                                'D     D     D     D     D     D     D     A',
  'messages | a message | delete':                                                'D     D     D     D     D     D     D     A',

  'provider_events | a webhook | select':                                         'D     A     I     I     I     I     I     A',
  'provider_events | a webhook | insert':                                         'D     D     D     D     D     D     D     A',
  'provider_events | a webhook | update':                                         'D     D     D     D     D     D     D     A',
  'provider_events | a webhook | delete':                                         'D     D     D     D     D     D     D     A',

  'outbox | a pending send | select':                                             'D     A     I     I     I     I     I     A',
  'outbox | a pending send | insert':                                             'D     D     D     D     D     D     D     A',
  'outbox | a pending send | update':                                             'D     D     D     D     D     D     D     A',
  'outbox | a pending send | delete':                                             'D     D     D     D     D     D     D     A',

  'api_keys | name, prefix, scopes, dates | select':                              'D     A     I     I     I     I     I     A',
  'api_keys | key_hash | select':                                                 'D     D     D     D     D     D     D     A',
  'api_keys | new key | insert':                                                  'D     D     D     D     D     D     D     A',
  'api_keys | revoke a key | update':                                             'D     D     D     D     D     D     D     A',
  'api_keys | a key | delete':                                                    'D     D     D     D     D     D     D     A',

  'storage.objects | media: file of a Suporte message | select':                  'I     A     A     A     I     A     I     A',
  'storage.objects | media: file of a Financeiro message | select':               'I     A     A     I     A     A     I     A',
  'storage.objects | media: Carla\'s own upload, not sent yet | select':          'I     I     I     A     I     I     I     A',
  'storage.objects | media: upload to uploads/<own id>/ | insert':                'D     A     A     A     A     D     D     A',
  'storage.objects | media: upload to uploads/<Bruno\'s id>/ | insert':           'D     D     D     D     D     D     D     A',
  'storage.objects | media: write outside uploads/ | insert':                     'D     D     D     D     D     D     D     A',
  'storage.objects | media: a file | update':                                     'I     I     I     I     I     I     I     A',
  'storage.objects | media: a file (through the Storage API) | delete':           'I     I     I     I     I     I     I     A',
} as const
/* eslint-enable @stylistic/key-spacing */

type Key = keyof typeof EXPECTED

/**
 * Committed once (tests/support/fixtures.ts and the owner): channels, contacts, tickets in Suporte and
 * Financeiro, their messages, events and media. Only rows no other suite lists wholesale.
 */
interface Committed {
  channelId: string
  spareChannelId: string
  botlessChannelId: string
  spareContactId: string
  identityId: string
  menuOptionId: string
  supportQueued: TicketRow
  supportClosed: TicketRow
  financeQueued: TicketRow
  financeAssignedToCarla: TicketRow
  botNoTeam: TicketRow
  botSupportTeam: TicketRow
  supportMessageId: string
  supportNoteId: string
  financeMessageId: string
  botMessageId: string
  orphanMessageId: string
  supportEventId: string
  financeEventId: string
  supportMediaPath: string
  financeMediaPath: string
  carlaUploadPath: string
}

/**
 * Created as the owner inside each check's rolled-back transaction, with fresh ids: catalogue rows
 * (teams, classifications, quick replies, API keys, users) and work queues (ledger, outbox) that other
 * suites list or process, so they never see these.
 */
interface Scratch {
  spareTeamId: string
  classificationId: string
  spareUserId: string
  orphanAuthUserId: string
  quickGlobalByBruno: string
  quickSupportByCarla: string
  quickFinanceByDiego: string
  providerEventId: string
  outboxId: string
  apiKeyId: string
}

type Fixtures = Committed & Scratch

interface Statement {
  sql: string
  /** `me` is the acting user's id (null for anon and service_role). */
  params?: (f: Fixtures, me: string | null) => unknown[]
  /** Run as the owner first, in the same rolled-back transaction. */
  setup?: string[]
}

const STATEMENTS: Record<Key, Statement> = {
  'profiles | another user | select': { sql: 'select 1 from public.profiles where id = $1', params: f => [f.spareUserId] },
  'profiles | new profile for an auth user | insert': {
    sql: `insert into public.profiles (id, full_name) values ($1, 'Intrusa')`,
    params: f => [f.orphanAuthUserId],
  },
  'profiles | own name and theme | update': {
    sql: `update public.profiles set full_name = 'Nome Novo', theme = 'dark' where id = $1`,
    params: (f, me) => [me ?? f.spareUserId],
  },
  'profiles | another user\'s name | update': { sql: `update public.profiles set full_name = 'Invasor' where id = $1`, params: f => [f.spareUserId] },
  'profiles | own role | update': { sql: `update public.profiles set role = 'admin' where id = $1`, params: (f, me) => [me ?? f.spareUserId] },
  'profiles | a profile | delete': { sql: 'delete from public.profiles where id = $1', params: f => [f.spareUserId] },

  'teams | a team | select': { sql: 'select 1 from public.teams where id = $1', params: () => [DEMO.teams.finance] },
  'teams | new team | insert': { sql: 'insert into public.teams (name) values ($1)', params: () => [`Equipe ${randomUUID().slice(0, 8)}`] },
  'teams | a team | update': { sql: `update public.teams set color = '#000000' where id = $1`, params: f => [f.spareTeamId] },
  'teams | a team | delete': { sql: 'delete from public.teams where id = $1', params: f => [f.spareTeamId] },

  'team_members | a membership | select': {
    sql: 'select 1 from public.team_members where team_id = $1 and user_id = $2',
    params: () => [DEMO.teams.finance, DEMO.diego.id],
  },
  'team_members | add Carla to a team | insert': {
    sql: 'insert into public.team_members (team_id, user_id) values ($1, $2)',
    params: f => [f.spareTeamId, DEMO.carla.id],
  },
  'team_members | a membership | update': {
    sql: 'update public.team_members set created_at = now() where team_id = $1 and user_id = $2',
    params: f => [f.spareTeamId, DEMO.bruno.id],
  },
  'team_members | a membership | delete': {
    sql: 'delete from public.team_members where team_id = $1 and user_id = $2',
    params: f => [f.spareTeamId, DEMO.bruno.id],
  },

  'app_settings | the settings | select': { sql: 'select 1 from public.app_settings' },
  'app_settings | the single row | insert': {
    // The row always exists; remove it first so only the privilege decides.
    setup: ['delete from public.app_settings'],
    sql: 'insert into public.app_settings (id) values (true)',
  },
  'app_settings | timezone, Power BI, closing rules | update': {
    sql: `update public.app_settings set timezone = 'America/Manaus', classification_required = true,
            powerbi_report_url = 'https://app.powerbi.com/x', powerbi_display_mode = 'embed'`,
  },
  'app_settings | updated_by (not granted) | update': { sql: 'update public.app_settings set updated_by = $1', params: () => [DEMO.admin.id] },
  'app_settings | the single row | delete': { sql: 'delete from public.app_settings' },

  'channels | a channel | select': { sql: 'select 1 from public.channels where id = $1', params: f => [f.channelId] },
  'channels | new channel | insert': { sql: `insert into public.channels (name, provider) values ('Novo canal', 'cloud')` },
  'channels | a channel | update': { sql: `update public.channels set name = 'Renomeado' where id = $1`, params: f => [f.channelId] },
  'channels | a channel without tickets | delete': { sql: 'delete from public.channels where id = $1', params: f => [f.spareChannelId] },

  'channel_secrets | a channel\'s keys | select': { sql: 'select 1 from public.channel_secrets where channel_id = $1', params: f => [f.channelId] },
  'channel_secrets | keys for a channel | insert': {
    sql: `insert into public.channel_secrets (channel_id, evolution_api_key) values ($1, 'chave')`,
    params: f => [f.spareChannelId],
  },
  'channel_secrets | a channel\'s keys | update': {
    sql: `update public.channel_secrets set evolution_api_key = 'roubada' where channel_id = $1`,
    params: f => [f.channelId],
  },
  'channel_secrets | a channel\'s keys | delete': { sql: 'delete from public.channel_secrets where channel_id = $1', params: f => [f.channelId] },

  'channel_qr_codes | a QR code | select': { sql: 'select 1 from public.channel_qr_codes where channel_id = $1', params: f => [f.channelId] },
  'channel_qr_codes | a QR code | insert': {
    sql: `insert into public.channel_qr_codes (channel_id, qr_code) values ($1, 'qr')`,
    params: f => [f.spareChannelId],
  },
  'channel_qr_codes | a QR code | update': { sql: `update public.channel_qr_codes set qr_code = 'outro' where channel_id = $1`, params: f => [f.channelId] },
  'channel_qr_codes | a QR code | delete': { sql: 'delete from public.channel_qr_codes where channel_id = $1', params: f => [f.channelId] },

  'bot_settings | a channel\'s bot | select': { sql: 'select 1 from public.bot_settings where channel_id = $1', params: f => [f.channelId] },
  'bot_settings | bot for a channel without one | insert': {
    sql: 'insert into public.bot_settings (channel_id) values ($1)',
    params: f => [f.botlessChannelId],
  },
  'bot_settings | a channel\'s bot | update': {
    sql: `update public.bot_settings set welcome_text = 'Oi!' where channel_id = $1`,
    params: f => [f.channelId],
  },
  'bot_settings | a channel\'s bot | delete': { sql: 'delete from public.bot_settings where channel_id = $1', params: f => [f.channelId] },

  'bot_menu_options | a menu option | select': { sql: 'select 1 from public.bot_menu_options where id = $1', params: f => [f.menuOptionId] },
  'bot_menu_options | new menu option | insert': {
    sql: `insert into public.bot_menu_options (channel_id, position, label, team_id) values ($1, 2, 'Financeiro', $2)`,
    params: f => [f.channelId, DEMO.teams.finance],
  },
  'bot_menu_options | a menu option | update': {
    sql: `update public.bot_menu_options set label = 'Suporte' where id = $1`,
    params: f => [f.menuOptionId],
  },
  'bot_menu_options | a menu option | delete': { sql: 'delete from public.bot_menu_options where id = $1', params: f => [f.menuOptionId] },

  'contacts | a contact (with a Financeiro ticket) | select': {
    sql: 'select 1 from public.contacts where id = $1',
    params: f => [f.financeQueued.contact_id],
  },
  'contacts | new contact | insert': { sql: 'insert into public.contacts (phone) values ($1)', params: () => [uniqueDigits(13)] },
  'contacts | display_name, email, notes, extra_fields, tags, blocked | update': {
    sql: `update public.contacts set display_name = 'Maria', email = 'maria@example.com', notes = 'VIP',
            extra_fields = '{"empresa":"ACME"}', tags = '{vip}', blocked = true where id = $1`,
    params: f => [f.supportQueued.contact_id],
  },
  'contacts | phone | update': { sql: `update public.contacts set phone = '5511999990000' where id = $1`, params: f => [f.supportQueued.contact_id] },
  'contacts | whatsapp_name | update': { sql: `update public.contacts set whatsapp_name = 'Falso' where id = $1`, params: f => [f.supportQueued.contact_id] },
  'contacts | a contact without tickets | delete': { sql: 'delete from public.contacts where id = $1', params: f => [f.spareContactId] },

  'contact_identities | an identity | select': { sql: 'select 1 from public.contact_identities where id = $1', params: f => [f.identityId] },
  'contact_identities | new identity | insert': {
    sql: `insert into public.contact_identities (contact_id, kind, value) values ($1, 'lid', $2)`,
    params: f => [f.spareContactId, `${randomUUID()}@lid`],
  },
  'contact_identities | an identity | update': {
    sql: 'update public.contact_identities set contact_id = $2 where id = $1',
    params: f => [f.identityId, f.spareContactId],
  },
  'contact_identities | an identity | delete': { sql: 'delete from public.contact_identities where id = $1', params: f => [f.identityId] },

  'classifications | a classification | select': { sql: 'select 1 from public.classifications where id = $1', params: f => [f.classificationId] },
  'classifications | new classification | insert': {
    sql: 'insert into public.classifications (name) values ($1)',
    params: () => [`Classificação ${randomUUID().slice(0, 8)}`],
  },
  'classifications | a classification | update': { sql: 'update public.classifications set active = false where id = $1', params: f => [f.classificationId] },
  'classifications | a classification | delete': { sql: 'delete from public.classifications where id = $1', params: f => [f.classificationId] },

  'quick_replies | global reply | select': { sql: 'select 1 from public.quick_replies where id = $1', params: f => [f.quickGlobalByBruno] },
  'quick_replies | Suporte reply | select': { sql: 'select 1 from public.quick_replies where id = $1', params: f => [f.quickSupportByCarla] },
  'quick_replies | Financeiro reply | select': { sql: 'select 1 from public.quick_replies where id = $1', params: f => [f.quickFinanceByDiego] },
  'quick_replies | new global reply | insert': {
    sql: `insert into public.quick_replies (shortcut, title, body) values ($1, 'Oi', 'Olá!')`,
    params: () => [`m-${randomUUID().slice(0, 8)}`],
  },
  'quick_replies | new Suporte reply | insert': {
    sql: `insert into public.quick_replies (shortcut, title, body, team_id) values ($1, 'Oi', 'Olá!', $2)`,
    params: () => [`m-${randomUUID().slice(0, 8)}`, DEMO.teams.support],
  },
  'quick_replies | global reply written by Bruno | update': {
    sql: `update public.quick_replies set body = 'Editado' where id = $1`,
    params: f => [f.quickGlobalByBruno],
  },
  'quick_replies | Suporte reply | update': { sql: `update public.quick_replies set body = 'Editado' where id = $1`, params: f => [f.quickSupportByCarla] },
  'quick_replies | move a Suporte reply to Financeiro | update': {
    sql: 'update public.quick_replies set team_id = $2 where id = $1',
    params: f => [f.quickSupportByCarla, DEMO.teams.finance],
  },
  'quick_replies | Suporte reply written by Carla | delete': { sql: 'delete from public.quick_replies where id = $1', params: f => [f.quickSupportByCarla] },
  'quick_replies | global reply written by Bruno | delete': { sql: 'delete from public.quick_replies where id = $1', params: f => [f.quickGlobalByBruno] },

  'tickets | Suporte, queued | select': { sql: 'select 1 from public.tickets where id = $1', params: f => [f.supportQueued.id] },
  'tickets | Suporte, closed | select': { sql: 'select 1 from public.tickets where id = $1', params: f => [f.supportClosed.id] },
  'tickets | Financeiro, queued | select': { sql: 'select 1 from public.tickets where id = $1', params: f => [f.financeQueued.id] },
  'tickets | Financeiro, open, assigned to Carla | select': { sql: 'select 1 from public.tickets where id = $1', params: f => [f.financeAssignedToCarla.id] },
  'tickets | bot stage, no team | select': { sql: 'select 1 from public.tickets where id = $1', params: f => [f.botNoTeam.id] },
  'tickets | bot stage, Suporte team set | select': { sql: 'select 1 from public.tickets where id = $1', params: f => [f.botSupportTeam.id] },
  'tickets | new ticket | insert': {
    sql: 'insert into public.tickets (contact_id, channel_id) values ($1, $2)',
    params: f => [f.spareContactId, f.channelId],
  },
  'tickets | Suporte, queued | update': {
    sql: `update public.tickets set status = 'open', assignee_id = $2, accepted_at = now() where id = $1`,
    params: f => [f.supportQueued.id, DEMO.carla.id],
  },
  'tickets | Suporte, queued | delete': { sql: 'delete from public.tickets where id = $1', params: f => [f.supportQueued.id] },

  'ticket_events | event of a Suporte ticket | select': { sql: 'select 1 from public.ticket_events where id = $1', params: f => [f.supportEventId] },
  'ticket_events | event of a Financeiro ticket | select': { sql: 'select 1 from public.ticket_events where id = $1', params: f => [f.financeEventId] },
  'ticket_events | new event | insert': {
    sql: `insert into public.ticket_events (ticket_id, type, actor_id) values ($1, 'accepted', $2)`,
    params: f => [f.supportQueued.id, DEMO.carla.id],
  },
  'ticket_events | an event | update': { sql: `update public.ticket_events set note = 'reescrito' where id = $1`, params: f => [f.supportEventId] },
  'ticket_events | an event | delete': { sql: 'delete from public.ticket_events where id = $1', params: f => [f.supportEventId] },

  'messages | message of a Suporte ticket | select': { sql: 'select 1 from public.messages where id = $1', params: f => [f.supportMessageId] },
  'messages | private note on a Suporte ticket | select': { sql: 'select 1 from public.messages where id = $1', params: f => [f.supportNoteId] },
  'messages | message of a Financeiro ticket | select': { sql: 'select 1 from public.messages where id = $1', params: f => [f.financeMessageId] },
  'messages | message of a bot-stage ticket | select': { sql: 'select 1 from public.messages where id = $1', params: f => [f.botMessageId] },
  'messages | message without a ticket | select': { sql: 'select 1 from public.messages where id = $1', params: f => [f.orphanMessageId] },
  'messages | new message | insert': {
    sql: `insert into public.messages (ticket_id, contact_id, channel_id, direction, sender_type, sender_id, kind, body, status)
          values ($1, $2, $3, 'outbound', 'agent', $4, 'text', 'Olá', 'pending')`,
    params: f => [f.supportQueued.id, f.supportQueued.contact_id, f.supportQueued.channel_id, DEMO.carla.id],
  },
  'messages | a message | update': { sql: `update public.messages set body = 'adulterada' where id = $1`, params: f => [f.supportMessageId] },
  'messages | a message | delete': { sql: 'delete from public.messages where id = $1', params: f => [f.supportMessageId] },

  'provider_events | a webhook | select': { sql: 'select 1 from public.provider_events where id = $1', params: f => [f.providerEventId] },
  'provider_events | a webhook | insert': { sql: `insert into public.provider_events (provider, event_type) values ('evolution', 'messages.upsert')` },
  'provider_events | a webhook | update': { sql: `update public.provider_events set status = 'ignored' where id = $1`, params: f => [f.providerEventId] },
  'provider_events | a webhook | delete': { sql: 'delete from public.provider_events where id = $1', params: f => [f.providerEventId] },

  'outbox | a pending send | select': { sql: 'select 1 from public.outbox where id = $1', params: f => [f.outboxId] },
  'outbox | a pending send | insert': {
    sql: 'insert into public.outbox (message_id, ticket_id, channel_id) values ($1, $2, $3)',
    params: f => [f.supportMessageId, f.supportQueued.id, f.supportQueued.channel_id],
  },
  'outbox | a pending send | update': { sql: `update public.outbox set status = 'failed' where id = $1`, params: f => [f.outboxId] },
  'outbox | a pending send | delete': { sql: 'delete from public.outbox where id = $1', params: f => [f.outboxId] },

  'api_keys | name, prefix, scopes, dates | select': {
    sql: 'select id, name, key_prefix, scopes, rate_limit_per_minute, created_at, expires_at, revoked_at, last_used_at from public.api_keys where id = $1',
    params: f => [f.apiKeyId],
  },
  'api_keys | key_hash | select': { sql: 'select key_hash from public.api_keys where id = $1', params: f => [f.apiKeyId] },
  'api_keys | new key | insert': {
    sql: `insert into public.api_keys (name, key_prefix, key_hash, scopes) values ('Power BI', 'atd_x', $1, '{tickets}')`,
    params: () => [`hash-${randomUUID()}`],
  },
  'api_keys | revoke a key | update': { sql: 'update public.api_keys set revoked_at = now() where id = $1', params: f => [f.apiKeyId] },
  'api_keys | a key | delete': { sql: 'delete from public.api_keys where id = $1', params: f => [f.apiKeyId] },

  'storage.objects | media: file of a Suporte message | select': {
    sql: `select 1 from storage.objects where bucket_id = 'media' and name = $1`,
    params: f => [f.supportMediaPath],
  },
  'storage.objects | media: file of a Financeiro message | select': {
    sql: `select 1 from storage.objects where bucket_id = 'media' and name = $1`,
    params: f => [f.financeMediaPath],
  },
  'storage.objects | media: Carla\'s own upload, not sent yet | select': {
    sql: `select 1 from storage.objects where bucket_id = 'media' and name = $1`,
    params: f => [f.carlaUploadPath],
  },
  'storage.objects | media: upload to uploads/<own id>/ | insert': {
    sql: `insert into storage.objects (bucket_id, name) values ('media', $1)`,
    params: (_, me) => [`uploads/${me ?? DEMO.carla.id}/${randomUUID()}.png`],
  },
  'storage.objects | media: upload to uploads/<Bruno\'s id>/ | insert': {
    sql: `insert into storage.objects (bucket_id, name) values ('media', $1)`,
    params: () => [`uploads/${DEMO.bruno.id}/${randomUUID()}.png`],
  },
  'storage.objects | media: write outside uploads/ | insert': {
    sql: `insert into storage.objects (bucket_id, name) values ('media', $1)`,
    params: f => [`inbound/${f.channelId}/${randomUUID()}.jpg`],
  },
  'storage.objects | media: a file | update': {
    sql: `update storage.objects set metadata = '{"mimetype":"image/png"}' where bucket_id = 'media' and name = $1`,
    params: f => [f.supportMediaPath],
  },
  'storage.objects | media: a file (through the Storage API) | delete': {
    // A trigger refuses every SQL delete unless the Storage API flags its own transaction; flag it,
    // so the policies alone decide, as they do for a DELETE /storage/v1/object request.
    setup: [`select set_config('storage.allow_delete_query', 'true', true)`],
    sql: `delete from storage.objects where bucket_id = 'media' and name = $1`,
    params: f => [f.supportMediaPath],
  },
}

const OUTCOME_OF_LETTER = { A: 'allowed', D: 'denied', I: 'invisible' } as const

function expectedOutcomes(key: Key): Record<ActorName, Outcome> {
  const letters = EXPECTED[key].split(/\s+/)
  if (letters.length !== ACTORS.length) throw new Error(`row "${key}" needs ${ACTORS.length} outcomes`)
  return Object.fromEntries(ACTORS.map((name, index) => {
    const letter = letters[index] as keyof typeof OUTCOME_OF_LETTER
    if (!(letter in OUTCOME_OF_LETTER)) throw new Error(`row "${key}": unknown outcome "${letter}"`)
    return [name, OUTCOME_OF_LETTER[letter]]
  })) as Record<ActorName, Outcome>
}

async function switchRole(db: pg.PoolClient, role: string): Promise<void> {
  await db.query(`select set_config('role', $1, true)`, [role])
}

async function outcomeOf(key: Key, actorName: ActorName, committed: Committed): Promise<Outcome> {
  const { actor, userId, deactivated } = ACTOR[actorName]
  const statement = STATEMENTS[key]
  return runAs(actor, async (db) => {
    // Arrange as the owner (the session user), then act as the actor with the claims runAs set.
    await switchRole(db, 'postgres')
    const fixtures: Fixtures = { ...committed, ...await createScratch(db, committed) }
    for (const sql of statement.setup ?? []) await db.query(sql)
    if (deactivated) await db.query('update public.profiles set active = false where id = $1', [userId])
    await switchRole(db, actor.role)
    try {
      const result = await db.query(statement.sql, statement.params?.(fixtures, userId) ?? [])
      return (result.rowCount ?? 0) > 0 ? 'allowed' : 'invisible'
    }
    catch (error) {
      // Anything but a permission error means the statement itself is wrong: let the test fail on it.
      if ((error as { code?: string }).code === '42501') return 'denied'
      throw error
    }
  })
}

async function createScratch(db: pg.PoolClient, committed: Committed): Promise<Scratch> {
  const one = async (sql: string, params: unknown[]): Promise<string> => String((await db.query(sql, params)).rows[0].id)
  const authUser = async (withProfile: boolean): Promise<string> => {
    const id = randomUUID()
    await db.query('insert into auth.users (id, email) values ($1, $2)', [id, `matriz-${id}@atende.local`])
    if (!withProfile) await db.query('delete from public.profiles where id = $1', [id])
    return id
  }
  const quickReply = (teamId: string | null, createdBy: string) => one(
    `insert into public.quick_replies (shortcut, title, body, team_id, created_by) values ($1, 'Saudação', 'Olá! Como posso ajudar?', $2, $3) returning id`,
    [`matriz-${randomUUID().slice(0, 8)}`, teamId, createdBy],
  )
  const { supportQueued } = committed
  const spareTeamId = await one('insert into public.teams (name) values ($1) returning id', [`Matriz ${randomUUID()}`])
  await db.query('insert into public.team_members (team_id, user_id) values ($1, $2)', [spareTeamId, DEMO.bruno.id])
  const pendingReplyId = await one(
    `insert into public.messages (ticket_id, contact_id, channel_id, direction, sender_type, sender_id, kind, body, status)
     values ($1, $2, $3, 'outbound', 'agent', $4, 'text', 'Vou verificar', 'pending') returning id`,
    [supportQueued.id, supportQueued.contact_id, supportQueued.channel_id, DEMO.bruno.id],
  )
  return {
    spareTeamId,
    classificationId: await one('insert into public.classifications (name) values ($1) returning id', [`Matriz ${randomUUID()}`]),
    spareUserId: await authUser(true),
    orphanAuthUserId: await authUser(false),
    quickGlobalByBruno: await quickReply(null, DEMO.bruno.id),
    quickSupportByCarla: await quickReply(DEMO.teams.support, DEMO.carla.id),
    quickFinanceByDiego: await quickReply(DEMO.teams.finance, DEMO.diego.id),
    providerEventId: await one(
      `insert into public.provider_events (channel_id, provider, event_type, payload) values ($1, 'evolution', 'messages.upsert', '{}') returning id`,
      [committed.channelId],
    ),
    outboxId: await one(
      'insert into public.outbox (message_id, ticket_id, channel_id) values ($1, $2, $3) returning id',
      [pendingReplyId, supportQueued.id, supportQueued.channel_id],
    ),
    apiKeyId: await one(
      `insert into public.api_keys (name, key_prefix, key_hash, scopes) values ('Power BI', 'atd_live_ab', $1, '{tickets}') returning id`,
      [`sha256-${randomUUID()}`],
    ),
  }
}

async function ownerInsert<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await ownerPool().query(sql, params)
  return rows[0] as T
}

async function textMessage(ticket: TicketRow, values: Record<string, unknown> = {}): Promise<string> {
  return (await createMessage(ticket, values)).id
}

async function mediaFile(ticket: TicketRow): Promise<string> {
  const path = `inbound/${ticket.channel_id}/${randomUUID()}.jpg`
  await createMessage(ticket, { kind: 'image', body: null, media_path: path, media_mime: 'image/jpeg', media_size: 1024 })
  await ownerPool().query(`insert into storage.objects (bucket_id, name, metadata) values ('media', $1, '{"mimetype":"image/jpeg"}')`, [path])
  return path
}

async function createFixtures(): Promise<Committed> {
  const channelId = (await createChannel()).id
  const spareChannelId = (await createChannel()).id
  const botlessChannelId = (await createChannel()).id
  await ownerPool().query('delete from public.bot_settings where channel_id = $1', [botlessChannelId])
  await ownerPool().query(`insert into public.channel_secrets (channel_id, evolution_api_key) values ($1, 'segredo')`, [channelId])
  await ownerPool().query(`insert into public.channel_qr_codes (channel_id, qr_code) values ($1, 'data:image/png;base64,AAAA')`, [channelId])

  const onChannel = { channelId }
  const supportQueued = await createTicket({ ...onChannel, status: 'queued', teamId: DEMO.teams.support })
  const supportClosed = await createTicket({ ...onChannel, status: 'closed', teamId: DEMO.teams.support, assigneeId: DEMO.bruno.id })
  const financeQueued = await createTicket({ ...onChannel, status: 'queued', teamId: DEMO.teams.finance })
  const financeAssignedToCarla = await createTicket({ ...onChannel, status: 'open', teamId: DEMO.teams.finance, assigneeId: DEMO.carla.id })
  const botNoTeam = await createTicket({ ...onChannel, status: 'bot', teamId: null })
  const botSupportTeam = await createTicket({ ...onChannel, status: 'bot', teamId: DEMO.teams.support })

  const outbound = { direction: 'outbound', sender_type: 'agent', sender_id: DEMO.bruno.id, provider_message_id: null, status: 'pending' }
  const supportMessageId = await textMessage(supportQueued)
  const supportNoteId = await textMessage(supportQueued, { ...outbound, kind: 'note', is_private: true, status: 'sent', body: 'Cliente já ligou ontem' })
  const financeMessageId = await textMessage(financeQueued)
  const botMessageId = await textMessage(botNoTeam)
  const orphanMessageId = (await ownerInsert<{ id: string }>(
    `insert into public.messages (contact_id, channel_id, direction, sender_type, kind, body)
     values ($1, $2, 'inbound', 'contact', 'text', 'Mensagem de contato bloqueado') returning id`,
    [supportQueued.contact_id, channelId],
  )).id

  const event = (ticket: TicketRow) => ownerInsert<{ id: string }>(
    `insert into public.ticket_events (ticket_id, type, to_team_id) values ($1, 'queued', $2) returning id::text`,
    [ticket.id, ticket.team_id],
  )

  const spareContactId = (await createContact()).id
  return {
    channelId,
    spareChannelId,
    botlessChannelId,
    spareContactId,
    identityId: (await ownerInsert<{ id: string }>(
      `insert into public.contact_identities (contact_id, kind, value) values ($1, 'phone', $2) returning id`,
      [supportQueued.contact_id, uniqueDigits(13)],
    )).id,
    menuOptionId: (await ownerInsert<{ id: string }>(
      `insert into public.bot_menu_options (channel_id, position, label, team_id) values ($1, 1, 'Suporte Técnico', $2) returning id`,
      [channelId, DEMO.teams.support],
    )).id,
    supportQueued,
    supportClosed,
    financeQueued,
    financeAssignedToCarla,
    botNoTeam,
    botSupportTeam,
    supportMessageId,
    supportNoteId,
    financeMessageId,
    botMessageId,
    orphanMessageId,
    supportEventId: (await event(supportQueued)).id,
    financeEventId: (await event(financeQueued)).id,
    supportMediaPath: await mediaFile(supportQueued),
    financeMediaPath: await mediaFile(financeQueued),
    carlaUploadPath: (await ownerInsert<{ name: string }>(
      `insert into storage.objects (bucket_id, name) values ('media', $1) returning name`,
      [`uploads/${DEMO.carla.id}/${randomUUID()}.pdf`],
    )).name,
  }
}

let committed: Committed

beforeAll(async () => {
  committed = await createFixtures()
})

const KEYS = Object.keys(EXPECTED) as Key[]
const tableOf = (key: Key) => key.split(' | ')[0]!

describe.each([...new Set(KEYS.map(tableOf))])('%s', (table) => {
  it.each(KEYS.filter(key => tableOf(key) === table))('%s', async (key) => {
    const actual = Object.fromEntries(await Promise.all(
      ACTORS.map(async name => [name, await outcomeOf(key, name, committed)] as const),
    ))
    expect(actual).toEqual(expectedOutcomes(key))
  })
})

// Contract suites sharing this stack create their own scratch tables, always named test_*; they are
// not part of the domain and are left out of the coverage checks.
describe('matrix coverage', () => {
  it('covers every table in public, with RLS on, for all four actions', async () => {
    const tables = await queryOwner<{ name: string, rls: boolean }>(
      `select c.relname as name, c.relrowsecurity as rls from pg_class c
       where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and c.relname not like 'test\\_%'
       order by 1`,
    )
    expect(tables.filter(table => !table.rls).map(table => table.name)).toEqual([])
    const covered = new Map<string, Set<string>>()
    for (const key of KEYS) {
      const [name, , action] = key.split(' | ')
      covered.set(name!, (covered.get(name!) ?? new Set()).add(action!))
    }
    for (const { name } of tables) {
      expect([name, [...covered.get(name) ?? []].sort()]).toEqual([name, ['delete', 'insert', 'select', 'update']])
    }
    expect([...covered.keys()].filter(name => name !== 'storage.objects').sort()).toEqual(tables.map(table => table.name).sort())
  })

  it('grants anon nothing on any table in public', async () => {
    const granted = await queryOwner<{ name: string }>(
      `select c.relname as name from pg_class c
       where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm') and c.relname not like 'test\\_%'
         and (has_table_privilege('anon', c.oid, 'select, insert, update, delete, truncate, references, trigger')
              or has_any_column_privilege('anon', c.oid, 'select, insert, update, references'))`,
    )
    expect(granted).toEqual([])
  })
})

async function queryOwner<R extends pg.QueryResultRow>(sql: string): Promise<R[]> {
  return (await ownerPool().query<R>(sql)).rows
}
