/**
 * WhatsApp figures of `npm run bench`, on the bench's own stack and its simulator (loopback only):
 * - webhook acknowledgement: real-shaped Evolution `messages.upsert` and Cloud text webhooks (fixtures
 *   with fresh ids and customers, secret header / app-secret signature) posted to whatsapp-webhook at
 *   concurrency 1 and 8, for first messages of new conversations and follow-ups in existing ones. The
 *   webhook answers once the event is stored and authenticated and processes it after the answer, so
 *   each scenario also waits for its events to be processed and reports that time (received → processed,
 *   from the ledger); then a database check that every message was stored exactly once;
 * - sustained ingestion: an open-loop stream at fixed rates (BENCH_WHATSAPP_SUSTAINED_RATES msg/s for
 *   BENCH_WHATSAPP_SUSTAINED_SECONDS; requests leave on schedule, answered or not, as providers deliver)
 *   on channels with a two-option menu: half first messages (the bot queues its welcome and menu), half
 *   "1" answers sent after the first message was acknowledged (the bot routes and queues its
 *   after-selection text), so every message runs the full path (verify → ledger → ticket → message → bot
 *   reply queued), and the replies are sent to the simulator as usual. The provider's callbacks about
 *   those replies (send echo and acks) are left out of the stream: see ChannelOptions. A rate is
 *   sustained when every request was answered, every event finished its full path, and the processing
 *   kept pace (received → processed p99 within SUSTAINED_LAG_P99_MS). Rates after the first one that
 *   was not sustained are only probed for PROBE_SECONDS;
 * - outbox delivery: a burst of agent messages released at once and sent by whatsapp-send callers (rate,
 *   release → customer's inbox), and the app's own path (send_message, then whatsapp-send) as an agent;
 * - a duplicate storm: one webhook body delivered 50 times at once must store one message.
 * Between phases the bench waits for the simulator to deliver the webhooks it still owes (it sends one
 * instance's webhooks one at a time), so no phase measures the previous one's leftovers.
 * Target (DESIGN.md): webhook ingestion ≥ 1,000 messages/s sustained, p99 acknowledgement < 100 ms.
 * Every phase is bounded in count and in time. Knobs: BENCH_WHATSAPP_WEBHOOKS (requests per scenario,
 * default 150), BENCH_WHATSAPP_CONCURRENCY (default `1,8`), BENCH_WHATSAPP_OUTBOX (burst size, default
 * 200), BENCH_WHATSAPP_SUSTAINED_RATES (default `50,100,250,1000`; `0` skips), BENCH_WHATSAPP_SUSTAINED_SECONDS
 * (default 10).
 */
import { createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto'
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import pg from 'pg'
import { SIMULATOR_EVOLUTION_API_KEY } from '../../local-stack/config.ts'
import { EVOLUTION_WEBHOOK_EVENTS } from '../../local-stack/simulator/register-channels.ts'
import type { ChatMessageView } from '../../local-stack/simulator/types.ts'
import { EVOLUTION_SECRET_HEADER } from '../../supabase/functions/_shared/webhook-auth.ts'
import { readFixture } from '../../tests/support/whatsapp-fixtures.ts'
import { report, summarize } from './report.ts'

export interface WhatsappBenchContext {
  url: string
  anonKey: string
  serviceRoleKey: string
  /** Owner (`postgres`) connection string, for the checks and the clean-up. */
  ownerDbUrl: string
  simulatorUrl: string
  /** The stack's data outlives the run (BENCH_DATA_DIR): remove what the bench created. */
  cleanUp: boolean
}

function positiveIntegers(name: string, fallback: string): number[] {
  const values = (process.env[name] ?? fallback).split(',').map(Number)
  if (values.some(value => !Number.isInteger(value) || value < 1)) throw new Error(`${name} must be positive whole numbers, got "${process.env[name]}"`)
  return values
}

const WEBHOOKS_PER_SCENARIO = positiveIntegers('BENCH_WHATSAPP_WEBHOOKS', '150')[0]!
const OUTBOX_BURST = positiveIntegers('BENCH_WHATSAPP_OUTBOX', '200')[0]!
/** Comma-separated, e.g. `1,8,32`. */
const CONCURRENCY_LEVELS = positiveIntegers('BENCH_WHATSAPP_CONCURRENCY', '1,8')
/** Offered rates (msg/s) of the sustained scenario, in order; `0` skips it. */
const SUSTAINED_RATES = process.env.BENCH_WHATSAPP_SUSTAINED_RATES === '0' ? [] : positiveIntegers('BENCH_WHATSAPP_SUSTAINED_RATES', '50,100,250,1000')
const SUSTAINED_SECONDS = positiveIntegers('BENCH_WHATSAPP_SUSTAINED_SECONDS', '10')[0]!
/** Requests in flight at once in the sustained stream; past it the client itself cannot keep the rate. */
const SUSTAINED_MAX_IN_FLIGHT = 512
/** A customer answers the menu this long after their first message was acknowledged. */
const SUSTAINED_ANSWER_DELAY_MS = 500
/** How long the events of a scenario may take to finish after its last request. */
const DRAIN_BUDGET_MS = 60_000
/** How long the rates after one that was not sustained are offered. */
const PROBE_SECONDS = 3
/** Received → processed p99 within this: the processing keeps pace with the stream (no growing backlog). */
const SUSTAINED_LAG_P99_MS = 1000
/** Each scenario stops issuing requests after this long, whatever its count. */
const SCENARIO_BUDGET_MS = 5000
const SEND_BUDGET_MS = 20_000
const STORM_COPIES = 50
const OUTBOX_CONVERSATIONS = 50
const OUTBOX_SENDERS = 2
const ACK_P99_TARGET_MS = 100
const RATE_TARGET = 1000

const CARLA = { id: '00000000-0000-4000-a000-000000000003', email: 'carla@atende.local', password: 'atende123' }
const SUPPORT_TEAM = '00000000-0000-4000-b000-000000000001'

type Json = Record<string, unknown>

// Customers and webhook bodies ---------------------------------------------------------------------------

interface Customer { phone: string, lid: string, name: string }

const FIRST_NAMES = ['Maria', 'João', 'Ana', 'José', 'Francisca', 'Antônio', 'Adriana', 'Carlos', 'Juliana', 'Paulo']
let customerSerial = randomInt(60_000_000, 80_000_000)

/** A new São Paulo mobile (WhatsApp keeps its 9th digit) with a @lid, unique in this run. */
function newCustomer(): Customer {
  const serial = customerSerial++
  return {
    phone: `55119${serial}`,
    lid: `${randomInt(100_000, 999_999)}${String(serial).padStart(9, '0')}`,
    name: `${FIRST_NAMES[serial % FIRST_NAMES.length]} Bench ${serial}`,
  }
}

interface Webhook { providerMessageId: string, body: string, headers: Record<string, string> }

interface EvolutionChannel { id: string, instance: string, ownNumber: string, secret: string, token: string }
interface CloudChannel { id: string, phoneNumberId: string, displayNumber: string, wabaId: string, appSecret: string }

const evolutionTemplate = readFixture<Json>('evolution', 'messages-upsert-text.json')
const cloudTemplate = readFixture<Json>('cloud', 'text.json')

function evolutionWebhook(ctx: WhatsappBenchContext, channel: EvolutionChannel, customer: Customer, text: string): Webhook {
  const payload = structuredClone(evolutionTemplate) as Json & { data: Json & { key: Json, message: Json } }
  const id = `3A${randomBytes(9).toString('hex').toUpperCase()}`
  payload.instance = channel.instance
  payload.data.key = { ...payload.data.key, remoteJid: `${customer.phone}@s.whatsapp.net`, remoteJidAlt: `${customer.lid}@lid`, id }
  payload.data.pushName = customer.name
  payload.data.message = { ...payload.data.message, conversation: text }
  payload.data.messageTimestamp = Math.floor(Date.now() / 1000)
  payload.destination = `${ctx.url}/functions/v1/whatsapp-webhook/evolution`
  // Evolution writes São Paulo's wall clock with a `Z` (reference pitfall); kept as it really comes.
  payload.date_time = new Date(Date.now() - 3 * 3_600_000).toISOString()
  payload.sender = `${channel.ownNumber}@s.whatsapp.net`
  payload.server_url = `${ctx.simulatorUrl}/evolution`
  payload.apikey = channel.token
  return { providerMessageId: id, body: JSON.stringify(payload), headers: { [EVOLUTION_SECRET_HEADER]: channel.secret } }
}

/** Meta escapes non-ASCII and `/` and signs those bytes. */
function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).replaceAll('/', '\\/')
}

function cloudWebhook(channel: CloudChannel, customer: Customer, text: string): Webhook {
  const payload = structuredClone(cloudTemplate) as { entry: Array<Json & { changes: Array<{ value: Json & { metadata: Json, contacts: Json[], messages: Json[] } }> }> }
  const id = `wamid.${Buffer.from(`${customer.phone}_${randomBytes(12).toString('hex').toUpperCase()}`).toString('base64')}`
  const entry = payload.entry[0]!
  const value = entry.changes[0]!.value
  entry.id = channel.wabaId
  value.metadata = { display_phone_number: channel.displayNumber, phone_number_id: channel.phoneNumberId }
  value.contacts = [{ profile: { name: customer.name }, wa_id: customer.phone }]
  value.messages = [{ ...value.messages[0], from: customer.phone, id, timestamp: String(Math.floor(Date.now() / 1000)), text: { body: text } }]
  const body = metaJson(payload)
  const signature = `sha256=${createHmac('sha256', channel.appSecret).update(body).digest('hex')}`
  return { providerMessageId: id, body, headers: { 'x-hub-signature-256': signature } }
}

// Channels on the simulator ------------------------------------------------------------------------------

async function insertRow(service: SupabaseClient, table: string, values: Json): Promise<Json> {
  const { data, error } = await service.from(table).insert(values).select().single()
  if (error) throw new Error(`insert into ${table} failed: ${error.message}`)
  return data as Json
}

async function simulatorCall<T>(ctx: WhatsappBenchContext, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${ctx.simulatorUrl}/api${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`simulator ${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`)
  return JSON.parse(text) as T
}

/**
 * Without callbacks, the simulator sends no webhook about the business's own messages (Evolution: the
 * instance subscribes to connection events only; Cloud: the number's callback is left unverified, so
 * Meta would send nothing). The sustained stream's channels are made so: the simulator delivers one
 * instance's webhooks one at a time, so at the stream's rates the callbacks of the bot's replies (send
 * echo and two acks per reply on Evolution, two statuses on Cloud) would pile up in the simulator and
 * reach Atende long after the run. Each such callback costs what the acknowledgement scenarios measure.
 */
interface ChannelOptions { callbacks: boolean }

/** A connected Evolution channel created with the service key, registered as an open instance. */
async function createEvolutionChannel(ctx: WhatsappBenchContext, service: SupabaseClient, tag: string, options: ChannelOptions = { callbacks: true }): Promise<EvolutionChannel> {
  const ownNumber = `55119${randomInt(30_000_000, 39_999_999)}`
  const channel = await insertRow(service, 'channels', { name: `Bench Evolution ${tag}`, provider: 'evolution', connection_state: 'connected', phone_number: ownNumber })
  const instance = `bench-${tag}`
  const secret = randomBytes(24).toString('hex')
  await insertRow(service, 'channel_secrets', {
    channel_id: channel.id, webhook_secret: secret, evolution_base_url: `${ctx.simulatorUrl}/evolution`,
    evolution_api_key: SIMULATOR_EVOLUTION_API_KEY, evolution_instance_name: instance,
  })
  const registered = await simulatorCall<{ token: string }>(ctx, 'POST', '/evolution/instances', {
    name: instance, state: 'open', ownNumber, profileName: 'Loja Bench',
    webhook: {
      url: `${ctx.url}/functions/v1/whatsapp-webhook/evolution`,
      headers: { [EVOLUTION_SECRET_HEADER]: secret },
      events: options.callbacks ? EVOLUTION_WEBHOOK_EVENTS : ['CONNECTION_UPDATE'],
      base64: true,
    },
  })
  return { id: channel.id as string, instance, ownNumber, secret, token: registered.token }
}

/** A Cloud API channel whose Graph base URL is the simulator's, registered with a verified callback (unless without callbacks). */
async function createCloudChannel(ctx: WhatsappBenchContext, service: SupabaseClient, tag: string, options: ChannelOptions = { callbacks: true }): Promise<CloudChannel> {
  const displayNumber = `55119${randomInt(40_000_000, 49_999_999)}`
  const channel = await insertRow(service, 'channels', { name: `Bench Cloud ${tag}`, provider: 'cloud', connection_state: 'connected', phone_number: displayNumber })
  const phoneNumberId = `1${randomInt(10_000_000, 99_999_999)}${randomInt(100_000, 999_999)}`
  const wabaId = `2${randomInt(10_000_000, 99_999_999)}${randomInt(100_000, 999_999)}`
  const accessToken = `EAAG${randomBytes(24).toString('hex')}`
  const appSecret = randomBytes(16).toString('hex')
  const verifyToken = `bench-${randomUUID()}`
  await insertRow(service, 'channel_secrets', {
    channel_id: channel.id, cloud_access_token: accessToken, cloud_app_secret: appSecret, cloud_verify_token: verifyToken,
    cloud_phone_number_id: phoneNumberId, cloud_waba_id: wabaId, cloud_graph_base_url: `${ctx.simulatorUrl}/graph`, cloud_graph_version: 'v23.0',
  })
  await simulatorCall(ctx, 'POST', '/cloud/numbers', {
    phoneNumberId, displayPhoneNumber: displayNumber, verifiedName: 'Loja Bench', wabaId, accessToken, appSecret, verifyToken,
    // Without callbacks: the simulator's handshake gets another verify token than the channel's, so
    // whatsapp-webhook refuses it (403) and the number stays unverified.
    webhookUrl: `${ctx.url}/functions/v1/whatsapp-webhook/cloud`, skipVerification: options.callbacks,
    ...(options.callbacks ? {} : { verifyToken: `sem-callbacks-${randomUUID()}` }),
  })
  return { id: channel.id as string, phoneNumberId, displayNumber, wabaId, appSecret }
}

/**
 * Waits until the simulator has delivered every webhook it owes (no new delivery attempt for a second),
 * at most `timeoutMs`; returns the deliveries seen meanwhile. Callbacks of the bot's replies queue up in
 * the simulator (one instance's webhooks leave one at a time), and must not spill into the next phase.
 */
async function waitForSimulatorQuiet(ctx: WhatsappBenchContext, timeoutMs = DRAIN_BUDGET_MS): Promise<{ delivered: number, ms: number, quiet: boolean }> {
  const started = Date.now()
  const lastSeq = async () => (await simulatorCall<Array<{ seq: number }>>(ctx, 'GET', '/log?kind=webhook&limit=1'))[0]?.seq ?? 0
  const first = await lastSeq()
  let seen = first
  let changedAt = Date.now()
  for (;;) {
    await new Promise(resolve => setTimeout(resolve, 250))
    const seq = await lastSeq()
    if (seq !== seen) {
      seen = seq
      changedAt = Date.now()
    }
    if (Date.now() - changedAt >= 1000) return { delivered: seen - first, ms: Date.now() - started, quiet: true }
    if (Date.now() - started > timeoutMs) return { delivered: seen - first, ms: Date.now() - started, quiet: false }
  }
}

async function reportSimulatorDrain(ctx: WhatsappBenchContext, phase: string): Promise<void> {
  const drain = await waitForSimulatorQuiet(ctx)
  if (drain.delivered === 0) return
  console.log(`  simulador: ${drain.delivered} webhook(s) pendentes (eco e confirmações das respostas) entregues em ${(drain.ms / 1000).toFixed(1)} s após ${phase}`
    + `${drain.quiet ? '' : ` ✖ ainda entregando após ${DRAIN_BUDGET_MS / 1000} s`}`)
}

// Running requests ---------------------------------------------------------------------------------------

/** Runs `task(0..count-1)` with `concurrency` workers, issuing nothing new after `budgetMs`. */
async function runPool(count: number, concurrency: number, budgetMs: number, task: (index: number) => Promise<void>): Promise<{ done: number, wallMs: number }> {
  let next = 0
  const started = performance.now()
  const deadline = started + budgetMs
  const worker = async () => {
    while (next < count && performance.now() < deadline) await task(next++)
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { done: next, wallMs: performance.now() - started }
}

/**
 * Posts a webhook; any answer other than 200 `{received: true, event_id}` stops the bench. Returns the
 * ledger event and the status the answer gave (`pending` while it is processed after the answer).
 */
async function postWebhook(url: string, webhook: Webhook): Promise<{ eventId: number, status: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...webhook.headers }, body: webhook.body })
  const text = await response.text()
  if (!response.ok) throw new Error(`webhook ${url}: HTTP ${response.status} ${text.slice(0, 300)}`)
  const answer = JSON.parse(text) as { received?: unknown, status?: unknown, event_id?: unknown }
  if (answer.received !== true || typeof answer.event_id !== 'number') throw new Error(`webhook ${url}: unexpected answer ${text.slice(0, 300)}`)
  return { eventId: answer.event_id, status: typeof answer.status === 'string' ? answer.status : 'unknown' }
}

/** Ledger events still in their first run (stored, not yet processed). */
async function openEvents(db: pg.Client, eventIds: number[]): Promise<number> {
  const { rows } = await db.query<{ open: number }>(
    `select count(*)::int as open from public.provider_events where id = any($1::bigint[]) and status = 'pending' and attempts = 0`, [eventIds])
  return rows[0]!.open
}

/** Waits until every event has been through its first run (or `timeoutMs`); returns how many are still open. */
async function waitForEvents(db: pg.Client, eventIds: number[], timeoutMs = DRAIN_BUDGET_MS): Promise<number> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const open = await openEvents(db, eventIds)
    if (open === 0 || Date.now() > deadline) return open
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** Received → processed of each finished event (the ledger's clock), in ms. */
async function processingTimes(db: pg.Client, eventIds: number[]): Promise<number[]> {
  const { rows } = await db.query<{ ms: number }>(
    `select extract(epoch from (processed_at - received_at)) * 1000 as ms from public.provider_events
     where id = any($1::bigint[]) and processed_at is not null`, [eventIds])
  return rows.map(row => Number(row.ms))
}

/** The ledger status of each event, as a tally line. */
async function ledgerTally(db: pg.Client, eventIds: number[]): Promise<string> {
  const { rows } = await db.query<{ status: string }>('select status from public.provider_events where id = any($1::bigint[])', [eventIds])
  return tally(rows.map(row => row.status))
}

function tally(statuses: string[]): string {
  const counts = new Map<string, number>()
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1)
  return [...counts].map(([status, count]) => `${status} ${count}`).join(', ')
}

const ms = (value: number) => `${value.toFixed(1)} ms`
const perSecond = (count: number, wallMs: number) => count / (wallMs / 1000)
const mark = (ok: boolean) => (ok ? '✔' : '✖')

// 1. Webhook answer time ---------------------------------------------------------------------------------

interface WebhookProvider {
  label: string
  name: 'evolution' | 'cloud'
  channelId: string
  build: (customer: Customer, text: string) => Webhook
}

interface ScenarioResult { concurrency: number, p99: number, rate: number, processedP99: number }

interface WebhookRun { sentIds: string[], eventIds: number[] }

async function benchWebhookScenario(
  ctx: WhatsappBenchContext, db: pg.Client, provider: WebhookProvider, kind: 'new' | 'follow-up', concurrency: number,
  customers: Customer[], run: WebhookRun,
): Promise<ScenarioResult> {
  const url = `${ctx.url}/functions/v1/whatsapp-webhook/${provider.name}`
  const samples: number[] = []
  const eventIds: number[] = []
  const { done, wallMs } = await runPool(WEBHOOKS_PER_SCENARIO, concurrency, SCENARIO_BUDGET_MS, async (index) => {
    let customer: Customer
    if (kind === 'new') {
      customer = newCustomer()
      customers.push(customer)
    }
    else {
      customer = customers[index % customers.length]!
    }
    const text = kind === 'new' ? 'Olá, preciso de ajuda com meu pedido #4521' : `Segue o número do pedido: ${index}. Obrigado!`
    const webhook = provider.build(customer, text)
    const started = performance.now()
    const { eventId } = await postWebhook(url, webhook)
    samples.push(performance.now() - started)
    run.sentIds.push(webhook.providerMessageId)
    eventIds.push(eventId)
  })
  const name = `webhook ${provider.name}: ${kind === 'new' ? 'new conversation' : 'follow-up'} c=${concurrency}`
  const summary = report(name, samples)
  // Processed after the answer: the next scenario starts once this one's events are done.
  const open = await waitForEvents(db, eventIds)
  if (open > 0) console.log(`  ${open} evento(s) ainda sem processar após ${DRAIN_BUDGET_MS / 1000} s`)
  const processed = report(`  → processed (received → done)`, await processingTimes(db, eventIds))
  run.eventIds.push(...eventIds)
  return { concurrency, p99: summary.p99, rate: perSecond(done, wallMs), processedP99: processed.p99 }
}

function summaryLine(what: string, results: ScenarioResult[]): string {
  const p99s = results.map(result => `${ms(result.p99)} (c=${result.concurrency})`).join(', ')
  const processed = results.map(result => `${ms(result.processedP99)} (c=${result.concurrency})`).join(', ')
  const top = results.reduce((best, result) => (result.concurrency > best.concurrency ? result : best))
  const p99Ok = results.every(result => result.p99 < ACK_P99_TARGET_MS)
  return `→ ${what}: resposta p99 ${p99s}; ${top.rate.toFixed(0)} respostas/s com ${top.concurrency} simultâneos; `
    + `processada (recebida → pronta) p99 ${processed}. Alvo p99 da resposta < ${ACK_P99_TARGET_MS} ms ${mark(p99Ok)}`
}

async function benchWebhooks(ctx: WhatsappBenchContext, db: pg.Client, providers: WebhookProvider[]): Promise<void> {
  const run: WebhookRun = { sentIds: [], eventIds: [] }
  const lines: string[] = []
  for (const provider of providers) {
    const customers: Customer[] = []
    // Unmeasured: the first requests pay for connections and the functions' first load.
    await runPool(5, 1, SCENARIO_BUDGET_MS, async () => {
      const webhook = provider.build(newCustomer(), 'Oi')
      run.eventIds.push((await postWebhook(`${ctx.url}/functions/v1/whatsapp-webhook/${provider.name}`, webhook)).eventId)
      run.sentIds.push(webhook.providerMessageId)
    })
    await waitForEvents(db, run.eventIds)
    const fresh: ScenarioResult[] = []
    for (const concurrency of CONCURRENCY_LEVELS) fresh.push(await benchWebhookScenario(ctx, db, provider, 'new', concurrency, customers, run))
    const followUps: ScenarioResult[] = []
    for (const concurrency of CONCURRENCY_LEVELS) followUps.push(await benchWebhookScenario(ctx, db, provider, 'follow-up', concurrency, customers, run))
    lines.push(summaryLine(`Webhook ${provider.label}, conversa nova`, fresh), summaryLine(`Webhook ${provider.label}, conversa existente`, followUps))
  }
  for (const line of lines) console.log(line)

  await waitForEvents(db, run.eventIds)
  const { rows } = await db.query<{ provider_message_id: string, copies: number }>(
    `select provider_message_id, count(*)::int as copies from public.messages
     where channel_id = any($1::uuid[]) and provider_message_id = any($2::text[]) group by 1`,
    [providers.map(provider => provider.channelId), run.sentIds],
  )
  const stored = new Map(rows.map(row => [row.provider_message_id, row.copies]))
  const missing = run.sentIds.filter(id => !stored.has(id))
  const repeated = rows.filter(row => row.copies > 1)
  const answers = `livro-razão: ${await ledgerTally(db, run.eventIds)}`
  if (missing.length === 0 && repeated.length === 0) {
    console.log(`→ Gravação: ${run.sentIds.length} webhooks → ${run.sentIds.length} mensagens, cada uma exatamente uma vez ✔ (${answers})`)
  }
  else {
    console.log(`→ Gravação ✖: de ${run.sentIds.length} webhooks, ${missing.length} mensagens não gravadas e ${repeated.length} gravadas mais de uma vez `
      + `(${answers}; "pending" fica para o agendador)${missing.length > 0 ? `; ex.: ${missing.slice(0, 3).join(', ')}` : ''}`)
  }
}

/**
 * Webhook requests of the run the ledger did not close (failed or rejected, with the most common reasons),
 * and those still open. Ignored ones are expected: the simulator echoes every message sent through it.
 */
async function reportLedgerProblems(db: pg.Client, channelIds: string[]): Promise<void> {
  const { rows } = await db.query<{ status: string, last_error: string | null, events: number }>(
    `select status, left(last_error, 200) as last_error, count(*)::int as events from public.provider_events
     where channel_id = any($1::uuid[]) and status in ('failed', 'rejected', 'pending')
     group by 1, 2 order by 3 desc`, [channelIds])
  const open = rows.filter(row => row.status === 'pending').reduce((sum, row) => sum + row.events, 0)
  for (const row of rows.filter(row => row.status !== 'pending').slice(0, 5)) {
    console.log(`  livro-razão ✖ ${row.events} evento(s) "${row.status}": ${row.last_error ?? 'sem motivo registrado'}`)
  }
  if (open > 0) console.log(`  livro-razão: ${open} evento(s) ainda em processamento ou aguardando nova tentativa`)
}

// 1b. Sustained ingestion -----------------------------------------------------------------------------------

/** The bench channel's bot gets a two-option menu, so every message of the stream is answered by the bot. */
async function addMenu(db: pg.Client, channelId: string): Promise<void> {
  const { rows } = await db.query<{ id: string }>('select id from public.teams order by created_at, id limit 2')
  const teams = rows.map(row => row.id)
  await db.query(
    `insert into public.bot_menu_options (channel_id, position, label, team_id) values ($1, 1, 'Suporte', $2), ($1, 2, 'Financeiro', $3)`,
    [channelId, teams[0] ?? SUPPORT_TEAM, teams[1] ?? teams[0] ?? SUPPORT_TEAM])
}

interface SustainedResult { rate: number, sustained: boolean, fullPathRate: number, ackP99: number }

/**
 * An open-loop stream at `rate` msg/s for `seconds`: requests leave on schedule whether or not
 * earlier ones were answered (as providers deliver), half first messages and half "1" answers to the
 * menu. Then waits for every event's full path and reads its timing from the ledger.
 */
async function benchSustained(ctx: WhatsappBenchContext, db: pg.Client, provider: WebhookProvider, rate: number, seconds: number): Promise<SustainedResult> {
  const url = `${ctx.url}/functions/v1/whatsapp-webhook/${provider.name}`
  const durationMs = seconds * 1000
  const { rows: [clock] } = await db.query<{ now: Date }>('select clock_timestamp() as now')
  const acks: number[] = []
  const eventIds: number[] = []
  const waitingAnswer: Array<{ customer: Customer, firstAt: number }> = []
  let issued = 0
  let inFlight = 0
  let skipped = 0
  let firsts = 0
  let answers = 0
  const errors: string[] = []
  const started = performance.now()
  const send = (customer: Customer, text: string, first: boolean) => {
    const webhook = provider.build(customer, text)
    const sentAt = performance.now()
    inFlight++
    postWebhook(url, webhook).then(({ eventId }) => {
      const now = performance.now()
      acks.push(now - sentAt)
      eventIds.push(eventId)
      // The customer answers the menu a little after their first message was taken (a provider never
      // delivers a chat's second message before the first was acknowledged).
      if (first) waitingAnswer.push({ customer, firstAt: now })
    }, (error: Error) => {
      errors.push(error.message)
    }).finally(() => {
      inFlight--
    })
  }
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started
      const due = Math.min(Math.floor((rate * elapsed) / 1000), Math.floor((rate * durationMs) / 1000))
      while (issued < due) {
        issued++
        if (inFlight >= SUSTAINED_MAX_IN_FLIGHT) {
          skipped++
          continue
        }
        const next = waitingAnswer[0]
        if (next && performance.now() - next.firstAt >= SUSTAINED_ANSWER_DELAY_MS) {
          waitingAnswer.shift()
          answers++
          send(next.customer, '1', false)
        }
        else {
          firsts++
          send(newCustomer(), 'Olá, quero saber do meu pedido', true)
        }
      }
      if (elapsed >= durationMs) {
        clearInterval(timer)
        resolve()
      }
    }, 2)
  })
  while (inFlight > 0) await new Promise(resolve => setTimeout(resolve, 10))
  const sendingMs = performance.now() - started
  const open = await waitForEvents(db, eventIds)

  const { rows: [stats] } = await db.query<{ done: number, failed: number, first_received: Date | null, last_processed: Date | null }>(
    `select count(*) filter (where status in ('processed', 'duplicate'))::int as done, count(*) filter (where status = 'failed')::int as failed,
       min(received_at) as first_received, max(processed_at) as last_processed
     from public.provider_events where id = any($1::bigint[])`, [eventIds])
  const { rows: [replies] } = await db.query<{ n: number }>(
    `select count(*)::int as n from public.messages where channel_id = $1 and sender_type = 'bot' and created_at >= $2`, [provider.channelId, clock!.now])
  const label = `webhook ${provider.name}: ${rate}/s for ${seconds} s`
  const ack = report(`${label}, ack`, acks)
  const lag = report(`${label}, received → processed`, await processingTimes(db, eventIds))
  const spanMs = stats!.first_received && stats!.last_processed ? stats!.last_processed.getTime() - stats!.first_received.getTime() : 0
  const fullPathRate = spanMs > 0 ? perSecond(stats!.done, spanMs) : 0
  const expectedReplies = 2 * firsts + answers
  const sustained = errors.length === 0 && skipped === 0 && open === 0 && stats!.failed === 0 && stats!.done === issued
    && lag.p99 <= SUSTAINED_LAG_P99_MS && replies!.n >= expectedReplies
  const problems = [
    skipped > 0 ? `${skipped} não enviadas (${SUSTAINED_MAX_IN_FLIGHT} sem resposta ao mesmo tempo)` : '',
    errors.length > 0 ? `${errors.length} recusadas (ex.: ${errors[0]!.slice(0, 120)})` : '',
    open > 0 ? `${open} ainda sem processar após ${DRAIN_BUDGET_MS / 1000} s` : '',
    stats!.failed > 0 ? `${stats!.failed} falharam` : '',
  ].filter(Boolean)
  console.log(`→ Webhook ${provider.label} a ${rate} msg/s por ${seconds} s (${firsts} conversas novas, ${answers} respostas "1" ao menu): `
    + `${acks.length} respostas em ${(sendingMs / 1000).toFixed(1)} s, p99 ${ms(ack.p99)}; caminho completo (livro-razão → chamado → mensagem → resposta do robô na fila) `
    + `${stats!.done} de ${issued} em ${(spanMs / 1000).toFixed(1)} s = ${fullPathRate.toFixed(0)} msg/s, recebida → pronta p50 ${ms(lag.p50)}, p99 ${ms(lag.p99)}; `
    + `respostas do robô na fila ${replies!.n} de ${expectedReplies}. Sustentado ${mark(sustained)}${problems.length > 0 ? ` (${problems.join('; ')})` : ''}`)
  return { rate, sustained, fullPathRate, ackP99: ack.p99 }
}

async function benchSustainedRates(ctx: WhatsappBenchContext, db: pg.Client, providers: WebhookProvider[]): Promise<void> {
  if (SUSTAINED_RATES.length === 0) return
  const lines: string[] = []
  for (const provider of providers) {
    const results: SustainedResult[] = []
    for (const rate of SUSTAINED_RATES) {
      // Past the first rate that was not sustained, a short probe: the backlog of a full window would
      // take minutes to drain and spill into the next phases.
      const probe = results.some(result => !result.sustained)
      results.push(await benchSustained(ctx, db, provider, rate, probe ? Math.min(SUSTAINED_SECONDS, PROBE_SECONDS) : SUSTAINED_SECONDS))
    }
    const best = results.filter(result => result.sustained).reduce<SustainedResult | null>((top, result) => (!top || result.rate > top.rate ? result : top), null)
    const capacity = Math.max(...results.map(result => result.fullPathRate))
    const met = best !== null && best.rate >= RATE_TARGET && best.ackP99 < ACK_P99_TARGET_MS
    lines.push(`→ Alvo ${provider.label} (≥ ${RATE_TARGET.toLocaleString('pt-BR')} msg/s sustentadas, resposta p99 < ${ACK_P99_TARGET_MS} ms): `
      + `maior taxa sustentada ${best ? `${best.rate} msg/s (resposta p99 ${ms(best.ackP99)})` : 'nenhuma das testadas'}; `
      + `vazão do caminho completo até ${capacity.toFixed(0)} msg/s ${mark(met)}`)
  }
  for (const line of lines) console.log(line)
}

// 2. Outbox delivery --------------------------------------------------------------------------------------

interface Conversation { ticketId: string, phone: string }

/** Customers with an open ticket of Carla's on the channel (service role, as the tests' fixtures do). */
async function openConversations(service: SupabaseClient, channelId: string, count: number): Promise<Conversation[]> {
  const customers = Array.from({ length: count }, newCustomer)
  const contactIds = await Promise.all(customers.map(async (customer) => {
    const { data, error } = await service.rpc('resolve_contact', { p_identities: [{ kind: 'phone', value: customer.phone }], p_whatsapp_name: customer.name })
    if (error) throw new Error(`resolve_contact failed: ${error.message}`)
    return data as string
  }))
  const now = new Date().toISOString()
  const { data, error } = await service.from('tickets').insert(contactIds.map(contactId => ({
    channel_id: channelId, contact_id: contactId, status: 'open', team_id: SUPPORT_TEAM, assignee_id: CARLA.id, queued_at: now, accepted_at: now,
  }))).select('id, contact_id')
  if (error) throw new Error(`creating tickets failed: ${error.message}`)
  const phoneOf = new Map(contactIds.map((id, index) => [id, customers[index]!.phone]))
  return (data as Array<{ id: string, contact_id: string }>).map(row => ({ ticketId: row.id, phone: phoneOf.get(row.contact_id)! }))
}

/** What the simulator's customers received, by provider message id (the inbox time is the simulator's clock, ours). */
async function inboxTimes(ctx: WhatsappBenchContext, target: string, phones: string[]): Promise<Map<string, { at: number, copies: number }>> {
  const times = new Map<string, { at: number, copies: number }>()
  for (const phone of new Set(phones)) {
    const inbox = await simulatorCall<ChatMessageView[]>(ctx, 'GET', `/conversations/${encodeURIComponent(target)}/${phone}/inbox`)
    for (const message of inbox) {
      const known = times.get(message.id)
      times.set(message.id, { at: known?.at ?? Date.parse(message.timestamp), copies: (known?.copies ?? 0) + 1 })
    }
  }
  return times
}

interface OutboxState { sent: number, failed: number, total: number }

async function outboxState(db: pg.Client, messageIds: string[]): Promise<OutboxState> {
  const { rows } = await db.query<OutboxState>(
    `select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status = 'failed')::int as failed, count(*)::int as total
     from public.outbox where message_id = any($1::uuid[])`, [messageIds])
  return rows[0]!
}

/** Polls until every message left the outbox (sent or failed for good), at most `timeoutMs`. */
async function waitForOutbox(db: pg.Client, messageIds: string[], timeoutMs: number): Promise<OutboxState> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const state = await outboxState(db, messageIds)
    if (state.sent + state.failed >= messageIds.length || Date.now() > deadline) return state
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

async function callWhatsappSend(ctx: WhatsappBenchContext, token: string): Promise<{ sent: number, failed: number, retried: number }> {
  const response = await fetch(`${ctx.url}/functions/v1/whatsapp-send`, {
    method: 'POST',
    headers: { 'Authorization': `Bearer ${token}`, 'apikey': ctx.anonKey, 'content-type': 'application/json' },
    body: '{}',
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`whatsapp-send: HTTP ${response.status} ${text.slice(0, 300)}`)
  return JSON.parse(text) as { sent: number, failed: number, retried: number }
}

/** Arrival of each message in the customer's inbox, `since(message)` ms after its start; prints what is off. */
async function deliveryTimes(
  ctx: WhatsappBenchContext, db: pg.Client, target: string, conversations: Conversation[], messageIds: string[], startOf: (messageId: string) => number,
): Promise<{ latencies: number[], lastArrival: number, problems: string[] }> {
  const { rows } = await db.query<{ id: string, provider_message_id: string | null, status: string }>(
    'select id, provider_message_id, status from public.messages where id = any($1::uuid[])', [messageIds])
  const arrivals = await inboxTimes(ctx, target, conversations.map(conversation => conversation.phone))
  const latencies: number[] = []
  let lastArrival = 0
  let missing = 0
  let repeated = 0
  for (const row of rows) {
    const arrival = row.provider_message_id ? arrivals.get(row.provider_message_id) : undefined
    if (!arrival) {
      missing++
      continue
    }
    if (arrival.copies > 1) repeated++
    latencies.push(arrival.at - startOf(row.id))
    lastArrival = Math.max(lastArrival, arrival.at)
  }
  const problems: string[] = []
  if (missing > 0) problems.push(`${missing} de ${messageIds.length} não chegaram ao celular (situações: ${tally(rows.map(row => row.status))})`)
  if (repeated > 0) problems.push(`${repeated} chegaram mais de uma vez`)
  return { latencies, lastArrival, problems }
}

/** N agent messages queued ahead (held), released at once and sent by whatsapp-send callers. */
async function benchOutboxBurst(ctx: WhatsappBenchContext, service: SupabaseClient, db: pg.Client, channel: EvolutionChannel, conversations: Conversation[]): Promise<void> {
  // Held far in the future so neither the stack's cron nor anyone else starts before the release.
  const held = new Date(Date.now() + 3_600_000).toISOString()
  const { data: contacts, error: contactsError } = await service.from('tickets').select('id, contact_id').in('id', conversations.map(conversation => conversation.ticketId))
  if (contactsError) throw new Error(`reading tickets failed: ${contactsError.message}`)
  const contactOf = new Map((contacts as Array<{ id: string, contact_id: string }>).map(row => [row.id, row.contact_id]))
  const drafts = Array.from({ length: OUTBOX_BURST }, (_, index) => {
    const ticketId = conversations[index % conversations.length]!.ticketId
    return {
      ticket_id: ticketId, contact_id: contactOf.get(ticketId), channel_id: channel.id, direction: 'outbound', sender_type: 'agent',
      sender_id: CARLA.id, kind: 'text', body: `Mensagem ${index + 1} do lote: seu pedido foi enviado.`, status: 'pending', client_id: randomUUID(),
    }
  })
  const { data: messages, error } = await service.from('messages').insert(drafts).select('id, ticket_id')
  if (error) throw new Error(`queuing messages failed: ${error.message}`)
  const queued = messages as Array<{ id: string, ticket_id: string }>
  const { error: outboxError } = await service.from('outbox')
    .insert(queued.map(message => ({ message_id: message.id, ticket_id: message.ticket_id, channel_id: channel.id, next_attempt_at: held })))
  if (outboxError) throw new Error(`queuing the outbox failed: ${outboxError.message}`)
  const messageIds = queued.map(message => message.id)

  const releasedAt = Date.now()
  const { error: releaseError } = await service.from('outbox').update({ next_attempt_at: new Date(releasedAt).toISOString() }).eq('channel_id', channel.id).eq('status', 'queued')
  if (releaseError) throw new Error(`releasing the outbox failed: ${releaseError.message}`)
  const deadline = releasedAt + SEND_BUDGET_MS
  let finished = false
  let calls = 0
  const sender = async () => {
    while (!finished && Date.now() < deadline) {
      const summary = await callWhatsappSend(ctx, ctx.serviceRoleKey)
      calls++
      const state = await outboxState(db, messageIds)
      finished = state.sent + state.failed >= messageIds.length
      // Nothing claimable while the other sender holds each conversation's next message.
      if (!finished && summary.sent === 0) await new Promise(resolve => setTimeout(resolve, 20))
    }
  }
  await Promise.all(Array.from({ length: OUTBOX_SENDERS }, sender))
  const state = await outboxState(db, messageIds)

  const { latencies, lastArrival, problems } = await deliveryTimes(ctx, db, channel.instance, conversations, messageIds, () => releasedAt)
  report(`outbox burst: release → inbox`, latencies)
  const summary = summarize('', latencies)
  const wallMs = Math.max(1, lastArrival - releasedAt)
  console.log(`→ Envio (${calls} chamadas a whatsapp-send por ${OUTBOX_SENDERS} chamadores, ${conversations.length} conversas): ${latencies.length} de ${OUTBOX_BURST} mensagens no celular `
    + `em ${(wallMs / 1000).toFixed(2)} s = ${perSecond(latencies.length, wallMs).toFixed(0)} msg/s; liberação → celular p50 ${ms(summary.p50)}, p95 ${ms(summary.p95)}`
    + `${state.failed > 0 ? `; ${state.failed} falharam` : ''}${problems.length > 0 ? ` ✖ ${problems.join('; ')}` : ''}`)
}

/** The app's path: the agent queues with send_message and calls whatsapp-send; timed to the customer's inbox. */
async function benchAgentSends(ctx: WhatsappBenchContext, db: pg.Client, channel: EvolutionChannel, conversations: Conversation[]): Promise<void> {
  const carla = createClient(ctx.url, ctx.anonKey, { auth: { persistSession: false, autoRefreshToken: false } })
  const { data: session, error: signInError } = await carla.auth.signInWithPassword({ email: CARLA.email, password: CARLA.password })
  if (signInError) throw signInError
  const token = session.session.access_token
  const lines: string[] = []
  for (const concurrency of CONCURRENCY_LEVELS) {
    const count = concurrency === 1 ? 40 : 120
    const startedAt = new Map<string, number>()
    const rpcSamples: number[] = []
    await runPool(count, concurrency, SCENARIO_BUDGET_MS, async (index) => {
      const conversation = conversations[index % conversations.length]!
      const started = Date.now()
      const rpcStarted = performance.now()
      const { data, error } = await carla.rpc('send_message', { p_ticket_id: conversation.ticketId, p_kind: 'text', p_body: `Resposta ${index + 1}: já verifiquei.`, p_client_id: randomUUID() })
      if (error) throw new Error(`send_message failed: ${error.message}`)
      rpcSamples.push(performance.now() - rpcStarted)
      startedAt.set((data as { id: string }).id, started)
      await callWhatsappSend(ctx, token)
    })
    const messageIds = [...startedAt.keys()]
    const state = await waitForOutbox(db, messageIds, SEND_BUDGET_MS)
    const { latencies, problems } = await deliveryTimes(ctx, db, channel.instance, conversations, messageIds, id => startedAt.get(id)!)
    report(`agent send: send_message c=${concurrency}`, rpcSamples)
    const summary = report(`agent send → inbox c=${concurrency}`, latencies)
    lines.push(`→ Agente envia (send_message + whatsapp-send, c=${concurrency}): ${latencies.length} de ${messageIds.length} no celular; `
      + `envio → celular p50 ${ms(summary.p50)}, p95 ${ms(summary.p95)}${state.failed > 0 ? `; ${state.failed} falharam` : ''}${problems.length > 0 ? ` ✖ ${problems.join('; ')}` : ''}`)
  }
  for (const line of lines) console.log(line)
  await carla.auth.signOut()
}

// 3. Duplicate storm ---------------------------------------------------------------------------------------

async function benchDuplicateStorm(ctx: WhatsappBenchContext, db: pg.Client, provider: WebhookProvider): Promise<void> {
  const customer = newCustomer()
  const webhook = provider.build(customer, 'Mandei duas vezes? Preciso de ajuda!')
  const url = `${ctx.url}/functions/v1/whatsapp-webhook/${provider.name}`
  const samples: number[] = []
  const eventIds = await Promise.all(Array.from({ length: STORM_COPIES }, async () => {
    const started = performance.now()
    const { eventId } = await postWebhook(url, webhook)
    samples.push(performance.now() - started)
    return eventId
  }))
  report(`webhook ${provider.name}: ${STORM_COPIES} copies at once`, samples)
  await waitForEvents(db, eventIds)
  const { rows } = await db.query<{ messages: number, tickets: number, contacts: number }>(`
    select count(*)::int as messages, count(distinct ticket_id)::int as tickets, count(distinct contact_id)::int as contacts,
      (select count(distinct contact_id)::int from public.contact_identities where kind = 'phone' and value = $3) as phone_contacts
    from public.messages where channel_id = $1 and provider_message_id = $2`, [provider.channelId, webhook.providerMessageId, customer.phone])
  const counts = rows[0] as { messages: number, tickets: number, contacts: number, phone_contacts: number }
  const ok = counts.messages === 1 && counts.tickets === 1 && counts.phone_contacts === 1
  console.log(`→ Tempestade de duplicatas (${provider.label}): ${STORM_COPIES} entregas simultâneas do mesmo webhook → ${counts.messages} mensagem(ns), `
    + `${counts.tickets} chamado(s), ${counts.phone_contacts} contato(s) com o telefone ${mark(ok)} (livro-razão: ${await ledgerTally(db, eventIds)})`)
}

// Entry point ------------------------------------------------------------------------------------------------

/** Removes the bench's channels and everything on them (only when the stack's data is kept). */
async function removeBenchData(db: pg.Client, channelIds: string[]): Promise<void> {
  await db.query('begin')
  try {
    const { rows } = await db.query<{ contact_id: string }>('select distinct contact_id from public.tickets where channel_id = any($1::uuid[])', [channelIds])
    await db.query('delete from public.tickets where channel_id = any($1::uuid[])', [channelIds])
    await db.query('delete from public.provider_events where channel_id = any($1::uuid[])', [channelIds])
    await db.query('delete from public.channels where id = any($1::uuid[])', [channelIds])
    await db.query(`delete from public.contacts c where c.id = any($1::uuid[])
      and not exists (select 1 from public.tickets t where t.contact_id = c.id)`, [rows.map(row => row.contact_id)])
    await db.query('commit')
  }
  catch (error) {
    await db.query('rollback')
    console.log(`Não foi possível remover os dados do benchmark de WhatsApp: ${(error as Error).message}`)
  }
}

export async function runWhatsappScenarios(ctx: WhatsappBenchContext): Promise<void> {
  const service = createClient(ctx.url, ctx.serviceRoleKey, { auth: { persistSession: false, autoRefreshToken: false } })
  const db = new pg.Client({ connectionString: ctx.ownerDbUrl })
  await db.connect()
  const tag = randomUUID().slice(0, 8)
  const evolution = await createEvolutionChannel(ctx, service, tag)
  const cloud = await createCloudChannel(ctx, service, tag)
  // The sustained stream's own channels, with a menu: every message gets an answer from the bot.
  const streamEvolution = await createEvolutionChannel(ctx, service, `${tag}-s`, { callbacks: false })
  const streamCloud = await createCloudChannel(ctx, service, `${tag}-s`, { callbacks: false })
  await addMenu(db, streamEvolution.id)
  await addMenu(db, streamCloud.id)
  try {
    const providers: WebhookProvider[] = [
      { label: 'Evolution', name: 'evolution', channelId: evolution.id, build: (customer, text) => evolutionWebhook(ctx, evolution, customer, text) },
      { label: 'Cloud API', name: 'cloud', channelId: cloud.id, build: (customer, text) => cloudWebhook(cloud, customer, text) },
    ]
    const streams: WebhookProvider[] = [
      { label: 'Evolution', name: 'evolution', channelId: streamEvolution.id, build: (customer, text) => evolutionWebhook(ctx, streamEvolution, customer, text) },
      { label: 'Cloud API', name: 'cloud', channelId: streamCloud.id, build: (customer, text) => cloudWebhook(streamCloud, customer, text) },
    ]
    console.log(`\nWhatsApp: canal Evolution "${evolution.instance}" e número Cloud ${cloud.phoneNumberId} no simulador; `
      + `${WEBHOOKS_PER_SCENARIO} webhooks por cenário (no máximo ${SCENARIO_BUDGET_MS / 1000} s cada).`)
    await benchWebhooks(ctx, db, providers)
    await reportSimulatorDrain(ctx, 'os cenários de resposta')
    await benchSustainedRates(ctx, db, streams)
    await reportSimulatorDrain(ctx, 'o fluxo contínuo')
    const conversations = await openConversations(service, evolution.id, OUTBOX_CONVERSATIONS)
    await benchOutboxBurst(ctx, service, db, evolution, conversations)
    await benchAgentSends(ctx, db, evolution, conversations)
    await reportSimulatorDrain(ctx, 'os envios')
    for (const provider of providers) await benchDuplicateStorm(ctx, db, provider)
    await reportSimulatorDrain(ctx, 'as tempestades de duplicatas')
    // Every webhook of the run, the simulator's own (send echoes, statuses) included.
    await reportLedgerProblems(db, [...providers, ...streams].map(provider => provider.channelId))
  }
  finally {
    if (ctx.cleanUp) await removeBenchData(db, [evolution.id, cloud.id, streamEvolution.id, streamCloud.id])
    await db.end()
  }
}
