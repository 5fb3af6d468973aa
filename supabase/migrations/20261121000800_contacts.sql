-- Customers who write to the company, and the identifiers WhatsApp uses for them.
create table public.contacts (
  id uuid primary key default gen_random_uuid(),
  display_name text check (display_name is null or length(trim(display_name)) between 1 and 120),
  whatsapp_name text,
  phone text check (phone is null or phone ~ '^[0-9]{8,15}$'),
  email text check (email is null or email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  cpf text check (cpf is null or cpf ~ '^[0-9]{11}$'),
  notes text check (notes is null or length(notes) <= 5000),
  extra_fields jsonb not null default '{}'::jsonb check (jsonb_typeof(extra_fields) = 'object'),
  tags text[] not null default '{}',
  blocked boolean not null default false,
  last_message_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table public.contacts is 'Everyone who ever wrote to a company number. One person is one contact, whatever identifiers WhatsApp uses.';
comment on column public.contacts.display_name is 'Name saved in Atende, editable by agents; falls back to whatsapp_name.';
comment on column public.contacts.whatsapp_name is 'The push name the customer set in WhatsApp (updated by incoming messages).';
comment on column public.contacts.phone is 'Phone number in international digits (e.g. 5511987654321), when known.';
comment on column public.contacts.blocked is 'Blocked contacts are not served: their messages are stored but open no ticket.';

grant select on public.contacts to authenticated;
-- Agents edit the saved name and the extra fields; identity columns change only through ingestion.
grant update (display_name, email, cpf, notes, extra_fields, tags, blocked) on public.contacts to authenticated;
grant all on public.contacts to service_role;

alter table public.contacts enable row level security;

create policy "staff read every contact" on public.contacts
  for select to authenticated using ((select private.current_user_role()) is not null);
-- USING admits every active staff member so an observer's attempt fails loudly (WITH CHECK → 42501)
-- instead of silently updating nothing.
create policy "agents, supervisors and admins edit contacts" on public.contacts
  for update to authenticated
  using ((select private.current_user_role()) is not null)
  with check ((select private.current_user_role()) in ('admin', 'supervisor', 'agent'));

create index contacts_phone_idx on public.contacts (phone);
create index contacts_last_message_at_idx on public.contacts (last_message_at desc nulls last);
create index contacts_name_search_idx on public.contacts
  using gin (private.unaccent_lower(coalesce(display_name, '') || ' ' || coalesce(whatsapp_name, '') || ' ' || coalesce(phone, '')) extensions.gin_trgm_ops);

create trigger contacts_touch_updated_at
  before update on public.contacts
  for each row execute function private.touch_updated_at();

-- phone: digits of a phone number; lid: WhatsApp's privacy id (…@lid); wa_id: the Cloud API's id.
create table public.contact_identities (
  id uuid primary key default gen_random_uuid(),
  contact_id uuid not null references public.contacts (id) on delete cascade,
  kind text not null check (kind in ('phone', 'lid', 'wa_id')),
  value text not null check (length(value) between 3 and 64),
  created_at timestamptz not null default now(),
  unique (kind, value)
);

comment on table public.contact_identities is 'Every identifier seen for a contact (phone with and without the 9th digit, @lid, wa_id) → one contact.';

grant select on public.contact_identities to authenticated;
grant all on public.contact_identities to service_role;

alter table public.contact_identities enable row level security;

create policy "staff read contact identities" on public.contact_identities
  for select to authenticated using ((select private.current_user_role()) is not null);

create index contact_identities_contact_id_idx on public.contact_identities (contact_id);
