-- Demo data for local development (`npm run dev`) and tests. Every demo login uses the password
-- `atende123`; the README lists them. Fixed ids keep tests and screenshots stable.

-- Users ------------------------------------------------------------------------------------------------
with demo_users (id, email, full_name) as (
  values
    ('00000000-0000-4000-a000-000000000001'::uuid, 'admin@atende.local', 'Ana Administradora'),
    ('00000000-0000-4000-a000-000000000002'::uuid, 'supervisor@atende.local', 'Sérgio Supervisor'),
    ('00000000-0000-4000-a000-000000000003'::uuid, 'carla@atende.local', 'Carla Técnica'),
    ('00000000-0000-4000-a000-000000000004'::uuid, 'bruno@atende.local', 'Bruno Técnico'),
    ('00000000-0000-4000-a000-000000000005'::uuid, 'diego@atende.local', 'Diego Financeiro'),
    ('00000000-0000-4000-a000-000000000006'::uuid, 'observador@atende.local', 'Olívia Observadora')
),
inserted as (
  insert into auth.users (
    instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
    raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_sso_user, is_anonymous
  )
  select
    '00000000-0000-0000-0000-000000000000', id, 'authenticated', 'authenticated', email,
    extensions.crypt('atende123', extensions.gen_salt('bf', 10)), now(),
    '{"provider":"email","providers":["email"]}', jsonb_build_object('full_name', full_name),
    now(), now(), false, false
  from demo_users
  returning id, email
)
insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
select id::text, id, jsonb_build_object('sub', id::text, 'email', email, 'email_verified', true), 'email', now(), now()
from inserted;

update public.profiles set role = 'admin' where email = 'admin@atende.local';
update public.profiles set role = 'supervisor' where email = 'supervisor@atende.local';
update public.profiles set role = 'observer' where email = 'observador@atende.local';

-- Teams ------------------------------------------------------------------------------------------------
insert into public.teams (id, name, color) values
  ('00000000-0000-4000-b000-000000000001', 'Suporte Técnico', '#2080f0'),
  ('00000000-0000-4000-b000-000000000002', 'Financeiro', '#18a058');

insert into public.team_members (team_id, user_id) values
  ('00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000003'), -- Carla: Suporte
  ('00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000004'), -- Bruno: Suporte
  ('00000000-0000-4000-b000-000000000002', '00000000-0000-4000-a000-000000000005'), -- Diego: Financeiro
  ('00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000002'), -- Sérgio: both
  ('00000000-0000-4000-b000-000000000002', '00000000-0000-4000-a000-000000000002');
