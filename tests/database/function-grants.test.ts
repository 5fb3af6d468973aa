/**
 * Who may call which database function. Postgres grants EXECUTE to PUBLIC on every new function, so a
 * migration that forgets its `revoke` silently hands a service-only function (ingestion, outbox, channel
 * state…) to every signed-in user, or to anyone with the anon key. This test lists every function in the
 * API-exposed `public` schema and compares who can execute it with the intended audience below: a new
 * function must be added here, on purpose.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { closeOwnerPool, ownerPool } from '../support/db.ts'

type Audience = 'service_role' | 'authenticated' | 'anon'

/** Functions the browser may call (as signed-in staff; the function checks the role itself). */
const SIGNED_IN = [
  'accept_ticket', 'add_private_note', 'analytics_datasets', 'close_ticket', 'mark_ticket_read', 'reopen_conversation',
  'retry_failed_message', 'search_contacts', 'search_messages', 'send_message', 'transfer_ticket',
]

/** About the caller's own session: meaningless for the service role. */
const SESSION_ONLY = [
  'admin_save_user', 'create_api_key', 'my_profile', 'report_dashboard', 'report_ticket_count', 'report_tickets', 'revoke_api_key', 'save_chatbot',
]

/** Functions only the edge functions (service role) may call. */
const SERVICE_ONLY = [
  'admin_set_user_active', 'analytics_page', 'apply_bot_decision', 'apply_message_status', 'apply_rating_answer', 'apply_webhook_bot_decision',
  'apply_webhook_status', 'authorize_api_key', 'claim_first_admin', 'claim_outbox_batch', 'claim_provider_events', 'complete_outbox_send',
  'expire_due_ratings', 'expire_rating', 'fail_outbox_send', 'first_admin_needed', 'ingest_business_message', 'ingest_inbound_message',
  'ingest_webhook_message', 'receive_webhook_event', 'record_channel_connection', 'record_channel_qr',
  'record_rating', 'resolve_contact', 'resolve_group_contact', 'run_inactivity_rules',
]

function expectedAudience(name: string): Audience[] | undefined {
  if (SIGNED_IN.includes(name)) return ['service_role', 'authenticated']
  if (SERVICE_ONLY.includes(name)) return ['service_role']
  if (SESSION_ONLY.includes(name)) return ['authenticated']
  return undefined
}

afterAll(closeOwnerPool)

describe('execute grants on public functions', () => {
  it('every public function is callable exactly by its intended audience', async () => {
    const { rows } = await ownerPool().query<{ name: string, anon: boolean, authenticated: boolean, service_role: boolean }>(`
      select p.proname as name,
             bool_or(has_function_privilege('anon', p.oid, 'execute')) as anon,
             bool_or(has_function_privilege('authenticated', p.oid, 'execute')) as authenticated,
             bool_or(has_function_privilege('service_role', p.oid, 'execute')) as service_role
      from pg_proc p
      join pg_namespace n on n.oid = p.pronamespace
      left join pg_depend d on d.objid = p.oid and d.deptype = 'e'
      where n.nspname = 'public' and d.objid is null and p.prokind = 'f'
        and p.prorettype <> 'trigger'::regtype
      group by p.proname
      order by p.proname`)
    const actual = Object.fromEntries(rows.map(row => [
      row.name,
      (['service_role', 'authenticated', 'anon'] as const).filter(role => row[role]),
    ]))
    const expected = Object.fromEntries(rows.map(row => [row.name, expectedAudience(row.name) ?? 'not listed in this test']))
    expect(actual).toEqual(expected)
    // The lists above must not name functions that no longer exist.
    expect(rows.map(row => row.name)).toEqual(expect.arrayContaining([...SIGNED_IN, ...SERVICE_ONLY, ...SESSION_ONLY]))
  })
})
