-- WhatsApp connections ("conexões"): one per company number, through Evolution API or the Cloud API.
create table public.channels (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(trim(name)) between 1 and 80),
  provider text not null check (provider in ('evolution', 'cloud')),
  phone_number text check (phone_number is null or phone_number ~ '^[0-9]{8,15}$'),
  color text not null default '#25d366' check (color ~ '^#[0-9a-fA-F]{6}$'),
  connection_state text not null default 'disconnected'
    check (connection_state in ('disconnected', 'connecting', 'qr', 'connected', 'error')),
  state_reason text,
  state_changed_at timestamptz not null default now(),
  is_default boolean not null default false,
  active boolean not null default true,
  accept_group_messages boolean not null default false,
  allowed_phones text[] check (allowed_phones is null or cardinality(allowed_phones) <= 500),
  last_activity_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table public.channels is 'A company WhatsApp number connected through Evolution API (QR code) or the Meta Cloud API.';
comment on column public.channels.connection_state is 'Live state shown on the connection screen; qr = waiting for the QR code to be scanned.';
comment on column public.channels.allowed_phones is 'Test mode: when set, only these phone numbers (digits) are served; everyone else is ignored.';
comment on column public.channels.accept_group_messages is 'Group and status-broadcast messages are ignored unless this is on.';

grant select on public.channels to authenticated;
grant insert, update, delete on public.channels to authenticated;
grant all on public.channels to service_role;

alter table public.channels enable row level security;

create policy "signed-in users read channels" on public.channels
  for select to authenticated using ((select private.current_user_role()) is not null);
create policy "admins create channels" on public.channels
  for insert to authenticated with check ((select private.is_admin()));
create policy "admins update channels" on public.channels
  for update to authenticated using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins delete channels" on public.channels
  for delete to authenticated using ((select private.is_admin()));

create unique index channels_single_default_idx on public.channels (is_default) where is_default;

create trigger channels_touch_updated_at
  before update on public.channels
  for each row execute function private.touch_updated_at();

-- Provider credentials. No browser role has any privilege here: only edge functions (service role).
create table public.channel_secrets (
  channel_id uuid primary key references public.channels (id) on delete cascade,
  webhook_secret text not null default encode(extensions.gen_random_bytes(24), 'hex'),
  evolution_base_url text,
  evolution_api_key text,
  evolution_instance_name text unique,
  evolution_instance_token text,
  cloud_access_token text,
  cloud_app_secret text,
  cloud_verify_token text,
  cloud_phone_number_id text unique,
  cloud_waba_id text,
  updated_at timestamptz not null default now()
);

comment on table public.channel_secrets is 'Provider keys and webhook secrets per channel. Never readable from the browser.';

revoke all on public.channel_secrets from anon, authenticated;
grant all on public.channel_secrets to service_role;
alter table public.channel_secrets enable row level security;
-- No policies: RLS denies every API role except service_role (which bypasses RLS).

-- The current QR code while connecting (Evolution). Admins only: scanning it links a phone to the number.
create table public.channel_qr_codes (
  channel_id uuid primary key references public.channels (id) on delete cascade,
  qr_code text,
  pairing_code text,
  expires_at timestamptz,
  updated_at timestamptz not null default now()
);

comment on table public.channel_qr_codes is 'Latest QR / pairing code of a connecting Evolution channel; followed live by the admin screen.';

grant select on public.channel_qr_codes to authenticated;
grant all on public.channel_qr_codes to service_role;
alter table public.channel_qr_codes enable row level security;

create policy "admins read QR codes" on public.channel_qr_codes
  for select to authenticated using ((select private.is_admin()));
