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

-- Catalogues -------------------------------------------------------------------------------------------
insert into public.classifications (id, name, description, position) values
  ('00000000-0000-4000-c000-000000000001', 'Dúvida resolvida', 'O cliente tinha uma dúvida e ela foi esclarecida.', 1),
  ('00000000-0000-4000-c000-000000000002', 'Problema técnico resolvido', 'O problema foi resolvido durante o atendimento.', 2),
  ('00000000-0000-4000-c000-000000000003', 'Encaminhado para visita técnica', 'Foi preciso agendar um técnico no local.', 3),
  ('00000000-0000-4000-c000-000000000004', 'Financeiro / cobrança', 'Boletos, segunda via, cobranças e pagamentos.', 4),
  ('00000000-0000-4000-c000-000000000005', 'Sem resposta do cliente', 'O cliente parou de responder.', 5),
  ('00000000-0000-4000-c000-000000000006', 'Encerrado por inatividade',
   'Encerrado automaticamente: o cliente não respondeu ao aviso de inatividade.', 6);

-- Quick replies: global ones for everybody, and per team ("/" in the composer).
insert into public.quick_replies (id, shortcut, title, body, team_id, created_by) values
  ('00000000-0000-4000-c100-000000000001', 'saudacao', 'Saudação',
   'Olá! Tudo bem? Sou do atendimento e vou te ajudar. 😊', null, '00000000-0000-4000-a000-000000000001'),
  ('00000000-0000-4000-c100-000000000002', 'aguarde', 'Aguarde um momento',
   'Só um momento, por favor, enquanto verifico as informações.', null, '00000000-0000-4000-a000-000000000001'),
  ('00000000-0000-4000-c100-000000000003', 'encerramento', 'Encerramento',
   'Posso ajudar em algo mais? Se estiver tudo certo, vou encerrar o atendimento. Obrigado pelo contato!', null, '00000000-0000-4000-a000-000000000001'),
  ('00000000-0000-4000-c100-000000000004', 'horario', 'Horário de atendimento',
   'Nosso horário de atendimento é de segunda a sexta, das 8h às 18h.', null, '00000000-0000-4000-a000-000000000001'),
  ('00000000-0000-4000-c100-000000000005', 'reiniciar', 'Reiniciar o roteador',
   'Desligue o roteador da tomada, aguarde 30 segundos e ligue novamente. Depois me conte se a conexão voltou.',
   '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000002'),
  ('00000000-0000-4000-c100-000000000006', 'visita', 'Agendar visita técnica',
   'Vou agendar uma visita técnica. Qual o melhor período para você: manhã (8h às 12h) ou tarde (13h às 18h)?',
   '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000002'),
  ('00000000-0000-4000-c100-000000000007', 'boleto', 'Segunda via do boleto',
   'Vou te enviar a segunda via do boleto. Pode confirmar o CPF do titular, por favor?',
   '00000000-0000-4000-b000-000000000002', '00000000-0000-4000-a000-000000000002'),
  ('00000000-0000-4000-c100-000000000008', 'pix', 'Pagamento por Pix',
   'Você pode pagar por Pix com a chave CNPJ 12.345.678/0001-90. Depois, me envie o comprovante por aqui, por favor.',
   '00000000-0000-4000-b000-000000000002', '00000000-0000-4000-a000-000000000002');

-- Demo channel and its chatbot ---------------------------------------------------------------------------
insert into public.channels (id, name, provider, phone_number, color, connection_state, state_changed_at, is_default, last_activity_at)
values ('00000000-0000-4000-d000-000000000001', 'Atendimento Principal', 'evolution', '5511999990000', '#25d366',
        'connected', now() - interval '3 days', true, now() - interval '5 minutes');

-- The webhook finds the channel by its Evolution instance. Locally the "Evolution server" is the WhatsApp
-- simulator of the local stack (its port is rewritten at start when the stack runs elsewhere, as in tests).
insert into public.channel_secrets (channel_id, evolution_instance_name, evolution_base_url, evolution_api_key, webhook_secret)
values ('00000000-0000-4000-d000-000000000001', 'atende-principal', 'http://127.0.0.1:54325/evolution',
        'atende-simulador', 'segredo-de-demonstracao-do-webhook');

-- bot_settings was created with the defaults by the channel trigger. Business hours in the company's
-- time zone (timezone null = app_settings.timezone, America/Sao_Paulo): weekdays 8h–18h, Saturdays
-- 8h–12h, closed on Christmas and New Year's Day. A customer who stops answering gets a warning after
-- 30 minutes and the ticket closes 60 minutes later as "Encerrado por inatividade".
update public.bot_settings set
  fallback_team_id = '00000000-0000-4000-b000-000000000001',
  business_hours = '{
    "mon": [{"start": "08:00", "end": "18:00"}],
    "tue": [{"start": "08:00", "end": "18:00"}],
    "wed": [{"start": "08:00", "end": "18:00"}],
    "thu": [{"start": "08:00", "end": "18:00"}],
    "fri": [{"start": "08:00", "end": "18:00"}],
    "sat": [{"start": "08:00", "end": "12:00"}]
  }',
  holidays = '{2026-12-25, 2027-01-01}',
  out_of_hours_text = 'Nosso horário de atendimento é de segunda a sexta, das 8h às 18h, e aos sábados, das 8h às 12h. '
    || 'Deixe sua mensagem que responderemos assim que possível.',
  inactivity_warning_minutes = 30,
  inactivity_close_minutes = 60,
  inactivity_warning_text = 'Oi! Ainda está por aí? 🙂 Como não recebemos sua resposta, este atendimento será encerrado em breve. '
    || 'Se ainda precisar de ajuda, é só responder esta mensagem.',
  inactivity_classification_id = '00000000-0000-4000-c000-000000000006'
where channel_id = '00000000-0000-4000-d000-000000000001';

-- A personal farewell, sent instead of the channel's when Bruno closes a ticket.
update public.profiles
set farewell_text = 'Foi um prazer te ajudar! Se precisar de algo mais, é só chamar por aqui. Abraço, Bruno (Suporte Técnico).'
where id = '00000000-0000-4000-a000-000000000004';

insert into public.bot_menu_options (id, channel_id, position, label, team_id) values
  ('00000000-0000-4000-d100-000000000001', '00000000-0000-4000-d000-000000000001', 1, 'Suporte Técnico', '00000000-0000-4000-b000-000000000001'),
  ('00000000-0000-4000-d100-000000000002', '00000000-0000-4000-d000-000000000001', 2, 'Financeiro', '00000000-0000-4000-b000-000000000002');

-- Demo contacts ----------------------------------------------------------------------------------------
insert into public.contacts (id, display_name, whatsapp_name, phone, email, cpf, extra_fields, last_message_at, created_at) values
  ('00000000-0000-4000-e000-000000000001', 'Maria Aparecida Souza', 'Maria Souza', '5511987654321', 'maria.souza@email.com.br', '12345678909',
   '{"plano": "Fibra 300 Mega", "cidade": "São Paulo"}', now() - interval '5 minutes', now() - interval '90 days'),
  ('00000000-0000-4000-e000-000000000002', 'João Pedro Oliveira', 'João Pedro', '5521998765432', null, null,
   '{"plano": "Fibra 500 Mega", "cidade": "Rio de Janeiro"}', now() - interval '2 days 2 hours 28 minutes', now() - interval '30 days'),
  ('00000000-0000-4000-e000-000000000003', null, 'Fernanda Lima 🌻', '5531991234567', null, null,
   '{}', now() - interval '10 minutes', now() - interval '12 minutes'),
  ('00000000-0000-4000-e000-000000000004', 'Roberto Almeida', 'Roberto', '5511976543210', 'roberto.almeida@empresa.com.br', '98765432100',
   '{"plano": "Empresarial 1 Giga", "cidade": "Campinas"}', null, now() - interval '200 days');

-- Brazilian mobiles reach WhatsApp with and without the 9th digit; both lead to the same person.
insert into public.contact_identities (id, contact_id, kind, value) values
  ('00000000-0000-4000-e100-000000000001', '00000000-0000-4000-e000-000000000001', 'phone', '5511987654321'),
  ('00000000-0000-4000-e100-000000000002', '00000000-0000-4000-e000-000000000001', 'phone', '551187654321'),
  ('00000000-0000-4000-e100-000000000003', '00000000-0000-4000-e000-000000000002', 'phone', '5521998765432'),
  ('00000000-0000-4000-e100-000000000004', '00000000-0000-4000-e000-000000000003', 'phone', '5531991234567'),
  ('00000000-0000-4000-e100-000000000005', '00000000-0000-4000-e000-000000000004', 'phone', '5511976543210');

-- Demo tickets: #1001 closed and rated (João, Financeiro, Diego), #1002 open with Carla (Maria),
-- #1003 waiting in the Suporte Técnico queue (Fernanda). Timestamps follow each ticket's life.
insert into public.tickets (
  id, contact_id, channel_id, team_id, assignee_id, status, bot_state, created_at, queued_at, accepted_at,
  first_response_at, closed_at, closed_by, closed_reason, classification_id, closing_comment,
  rating_status, rating_requested_at, rated_at, rating, last_message_at, last_message_preview, last_inbound_at, unread_count
) values
  ('00000000-0000-4000-f000-000000000001', '00000000-0000-4000-e000-000000000002', '00000000-0000-4000-d000-000000000001',
   '00000000-0000-4000-b000-000000000002', '00000000-0000-4000-a000-000000000005', 'closed', '{}',
   now() - interval '2 days 3 hours', now() - interval '2 days 2 hours 59 minutes', now() - interval '2 days 2 hours 55 minutes',
   now() - interval '2 days 2 hours 54 minutes', now() - interval '2 days 2 hours 30 minutes', '00000000-0000-4000-a000-000000000005', 'agent',
   '00000000-0000-4000-c000-000000000004', 'Cobrança duplicada estornada; cliente orientado sobre o prazo.',
   'rated', now() - interval '2 days 2 hours 30 minutes', now() - interval '2 days 2 hours 28 minutes', 9,
   now() - interval '2 days 2 hours 28 minutes', 'Obrigado pela sua avaliação! 💚', now() - interval '2 days 2 hours 28 minutes 10 seconds', 0);

insert into public.tickets (
  id, contact_id, channel_id, team_id, assignee_id, status, created_at, queued_at, accepted_at, first_response_at,
  last_message_at, last_message_preview, last_inbound_at, unread_count
) values
  ('00000000-0000-4000-f000-000000000002', '00000000-0000-4000-e000-000000000001', '00000000-0000-4000-d000-000000000001',
   '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000003', 'open',
   now() - interval '40 minutes', now() - interval '38 minutes', now() - interval '30 minutes', now() - interval '29 minutes',
   now() - interval '5 minutes', 'Tá bom, fico aguardando.', now() - interval '5 minutes', 1);

insert into public.tickets (
  id, contact_id, channel_id, team_id, status, created_at, queued_at, last_message_at, last_message_preview, last_inbound_at, unread_count
) values
  ('00000000-0000-4000-f000-000000000003', '00000000-0000-4000-e000-000000000003', '00000000-0000-4000-d000-000000000001',
   '00000000-0000-4000-b000-000000000001', 'queued', now() - interval '12 minutes', now() - interval '11 minutes',
   now() - interval '10 minutes', 'O roteador não liga de jeito nenhum, a luz nem acende.', now() - interval '10 minutes', 1);

-- Their conversations. Inbound messages carry the provider's id (unique per channel); outbound ones got
-- theirs when sent.
insert into public.messages (
  id, ticket_id, contact_id, channel_id, direction, sender_type, sender_id, kind, body, quoted_message_id,
  quoted_provider_message_id, provider_message_id, status, is_private, provider_timestamp, created_at
) values
  -- #1001 João, Financeiro
  ('00000000-0000-4000-f100-000000000101', '00000000-0000-4000-f000-000000000001', '00000000-0000-4000-e000-000000000002', '00000000-0000-4000-d000-000000000001',
   'inbound', 'contact', null, 'text', 'Oi, boa tarde', null, null, '3EB0DE30000000000000101', 'received', false,
   now() - interval '2 days 3 hours', now() - interval '2 days 3 hours'),
  ('00000000-0000-4000-f100-000000000102', '00000000-0000-4000-f000-000000000001', '00000000-0000-4000-e000-000000000002', '00000000-0000-4000-d000-000000000001',
   'outbound', 'bot', null, 'text', E'Olá! 👋 Você está falando com o atendimento. Vamos te direcionar para a equipe certa.\n\nResponda com o número da opção desejada:\n1 - Suporte Técnico\n2 - Financeiro',
   null, null, '3EB0DE30000000000000102', 'read', false, null, now() - interval '2 days 2 hours 59 minutes 59 seconds'),
  ('00000000-0000-4000-f100-000000000103', '00000000-0000-4000-f000-000000000001', '00000000-0000-4000-e000-000000000002', '00000000-0000-4000-d000-000000000001',
   'inbound', 'contact', null, 'text', '2', null, null, '3EB0DE30000000000000103', 'received', false,
   now() - interval '2 days 2 hours 59 minutes 10 seconds', now() - interval '2 days 2 hours 59 minutes 10 seconds'),
  ('00000000-0000-4000-f100-000000000104', '00000000-0000-4000-f000-000000000001', '00000000-0000-4000-e000-000000000002', '00000000-0000-4000-d000-000000000001',
   'outbound', 'bot', null, 'text', 'Certo! Em instantes um de nossos atendentes vai falar com você.', null, null,
   '3EB0DE30000000000000104', 'read', false, null, now() - interval '2 days 2 hours 59 minutes'),
  ('00000000-0000-4000-f100-000000000105', '00000000-0000-4000-f000-000000000001', '00000000-0000-4000-e000-000000000002', '00000000-0000-4000-d000-000000000001',
   'inbound', 'contact', null, 'text', 'Recebi duas cobranças da mensalidade este mês, pode verificar?', null, null,
   '3EB0DE30000000000000105', 'received', false, now() - interval '2 days 2 hours 58 minutes', now() - interval '2 days 2 hours 58 minutes'),
  ('00000000-0000-4000-f100-000000000106', '00000000-0000-4000-f000-000000000001', '00000000-0000-4000-e000-000000000002', '00000000-0000-4000-d000-000000000001',
   'outbound', 'agent', '00000000-0000-4000-a000-000000000005', 'text', 'Boa tarde, João! Sou o Diego, do Financeiro. Vou verificar agora mesmo.',
   null, null, '3EB0DE30000000000000106', 'read', false, null, now() - interval '2 days 2 hours 54 minutes'),
  ('00000000-0000-4000-f100-000000000107', '00000000-0000-4000-f000-000000000001', '00000000-0000-4000-e000-000000000002', '00000000-0000-4000-d000-000000000001',
   'outbound', 'agent', '00000000-0000-4000-a000-000000000005', 'text', 'Verifiquei: a segunda cobrança foi duplicada e já foi estornada. O valor volta para o seu cartão em até 5 dias úteis.',
   null, null, '3EB0DE30000000000000107', 'read', false, null, now() - interval '2 days 2 hours 40 minutes'),
  ('00000000-0000-4000-f100-000000000108', '00000000-0000-4000-f000-000000000001', '00000000-0000-4000-e000-000000000002', '00000000-0000-4000-d000-000000000001',
   'inbound', 'contact', null, 'text', 'Perfeito, muito obrigado!', null, null, '3EB0DE30000000000000108', 'received', false,
   now() - interval '2 days 2 hours 33 minutes', now() - interval '2 days 2 hours 33 minutes'),
  ('00000000-0000-4000-f100-000000000109', '00000000-0000-4000-f000-000000000001', '00000000-0000-4000-e000-000000000002', '00000000-0000-4000-d000-000000000001',
   'outbound', 'bot', null, 'text', 'Seu atendimento foi encerrado. Obrigado pelo contato!', null, null,
   '3EB0DE30000000000000109', 'read', false, null, now() - interval '2 days 2 hours 30 minutes'),
  ('00000000-0000-4000-f100-000000000110', '00000000-0000-4000-f000-000000000001', '00000000-0000-4000-e000-000000000002', '00000000-0000-4000-d000-000000000001',
   'outbound', 'bot', null, 'text', 'Como você avalia este atendimento? Responda com uma nota de 1 a 10.', null, null,
   '3EB0DE30000000000000110', 'read', false, null, now() - interval '2 days 2 hours 29 minutes 59 seconds'),
  ('00000000-0000-4000-f100-000000000111', '00000000-0000-4000-f000-000000000001', '00000000-0000-4000-e000-000000000002', '00000000-0000-4000-d000-000000000001',
   'inbound', 'contact', null, 'text', '9', null, null, '3EB0DE30000000000000111', 'received', false,
   now() - interval '2 days 2 hours 28 minutes 10 seconds', now() - interval '2 days 2 hours 28 minutes 10 seconds'),
  ('00000000-0000-4000-f100-000000000112', '00000000-0000-4000-f000-000000000001', '00000000-0000-4000-e000-000000000002', '00000000-0000-4000-d000-000000000001',
   'outbound', 'bot', null, 'text', 'Obrigado pela sua avaliação! 💚', null, null, '3EB0DE30000000000000112', 'read', false,
   null, now() - interval '2 days 2 hours 28 minutes'),

  -- #1002 Maria, Suporte Técnico, with Carla (one quoted reply, one private note)
  ('00000000-0000-4000-f100-000000000201', '00000000-0000-4000-f000-000000000002', '00000000-0000-4000-e000-000000000001', '00000000-0000-4000-d000-000000000001',
   'inbound', 'contact', null, 'text', 'Boa tarde', null, null, '3EB0DE30000000000000201', 'received', false,
   now() - interval '40 minutes', now() - interval '40 minutes'),
  ('00000000-0000-4000-f100-000000000202', '00000000-0000-4000-f000-000000000002', '00000000-0000-4000-e000-000000000001', '00000000-0000-4000-d000-000000000001',
   'outbound', 'bot', null, 'text', E'Olá! 👋 Você está falando com o atendimento. Vamos te direcionar para a equipe certa.\n\nResponda com o número da opção desejada:\n1 - Suporte Técnico\n2 - Financeiro',
   null, null, '3EB0DE30000000000000202', 'read', false, null, now() - interval '39 minutes 59 seconds'),
  ('00000000-0000-4000-f100-000000000203', '00000000-0000-4000-f000-000000000002', '00000000-0000-4000-e000-000000000001', '00000000-0000-4000-d000-000000000001',
   'inbound', 'contact', null, 'text', '1', null, null, '3EB0DE30000000000000203', 'received', false,
   now() - interval '38 minutes 10 seconds', now() - interval '38 minutes 10 seconds'),
  ('00000000-0000-4000-f100-000000000204', '00000000-0000-4000-f000-000000000002', '00000000-0000-4000-e000-000000000001', '00000000-0000-4000-d000-000000000001',
   'outbound', 'bot', null, 'text', 'Certo! Em instantes um de nossos atendentes vai falar com você.', null, null,
   '3EB0DE30000000000000204', 'read', false, null, now() - interval '38 minutes'),
  ('00000000-0000-4000-f100-000000000205', '00000000-0000-4000-f000-000000000002', '00000000-0000-4000-e000-000000000001', '00000000-0000-4000-d000-000000000001',
   'inbound', 'contact', null, 'text', 'Minha internet está caindo toda hora desde ontem à noite. Já não sei mais o que fazer.', null, null,
   '3EB0DE30000000000000205', 'received', false, now() - interval '37 minutes', now() - interval '37 minutes'),
  ('00000000-0000-4000-f100-000000000206', '00000000-0000-4000-f000-000000000002', '00000000-0000-4000-e000-000000000001', '00000000-0000-4000-d000-000000000001',
   'outbound', 'agent', '00000000-0000-4000-a000-000000000003', 'text', 'Olá, Maria! Sou a Carla, do Suporte Técnico. Vou te ajudar com isso.',
   null, null, '3EB0DE30000000000000206', 'read', false, null, now() - interval '29 minutes'),
  ('00000000-0000-4000-f100-000000000207', '00000000-0000-4000-f000-000000000002', '00000000-0000-4000-e000-000000000001', '00000000-0000-4000-d000-000000000001',
   'outbound', 'agent', '00000000-0000-4000-a000-000000000003', 'text', 'Você pode desligar o roteador da tomada, aguardar 30 segundos e ligar de novo?',
   null, null, '3EB0DE30000000000000207', 'read', false, null, now() - interval '28 minutes'),
  ('00000000-0000-4000-f100-000000000208', '00000000-0000-4000-f000-000000000002', '00000000-0000-4000-e000-000000000001', '00000000-0000-4000-d000-000000000001',
   'inbound', 'contact', null, 'text', 'Fiz isso agora, mas continua caindo.', null, null, '3EB0DE30000000000000208', 'received', false,
   now() - interval '20 minutes', now() - interval '20 minutes'),
  ('00000000-0000-4000-f100-000000000209', '00000000-0000-4000-f000-000000000002', '00000000-0000-4000-e000-000000000001', '00000000-0000-4000-d000-000000000001',
   'outbound', 'agent', '00000000-0000-4000-a000-000000000003', 'text', 'Entendi. Vou verificar o sinal da sua conexão aqui no sistema, só um instante.',
   '00000000-0000-4000-f100-000000000205', '3EB0DE30000000000000205', '3EB0DE30000000000000209', 'read', false, null, now() - interval '15 minutes'),
  ('00000000-0000-4000-f100-000000000210', '00000000-0000-4000-f000-000000000002', '00000000-0000-4000-e000-000000000001', '00000000-0000-4000-d000-000000000001',
   'outbound', 'agent', '00000000-0000-4000-a000-000000000003', 'note', 'Sinal da ONU oscilando (-27 dBm). Se não estabilizar, agendar visita técnica.',
   null, null, null, 'sent', true, null, now() - interval '14 minutes'),
  ('00000000-0000-4000-f100-000000000211', '00000000-0000-4000-f000-000000000002', '00000000-0000-4000-e000-000000000001', '00000000-0000-4000-d000-000000000001',
   'inbound', 'contact', null, 'text', 'Tá bom, fico aguardando.', null, null, '3EB0DE30000000000000211', 'received', false,
   now() - interval '5 minutes', now() - interval '5 minutes'),

  -- #1003 Fernanda, waiting in the Suporte Técnico queue
  ('00000000-0000-4000-f100-000000000301', '00000000-0000-4000-f000-000000000003', '00000000-0000-4000-e000-000000000003', '00000000-0000-4000-d000-000000000001',
   'inbound', 'contact', null, 'text', 'Olá', null, null, '3EB0DE30000000000000301', 'received', false,
   now() - interval '12 minutes', now() - interval '12 minutes'),
  ('00000000-0000-4000-f100-000000000302', '00000000-0000-4000-f000-000000000003', '00000000-0000-4000-e000-000000000003', '00000000-0000-4000-d000-000000000001',
   'outbound', 'bot', null, 'text', E'Olá! 👋 Você está falando com o atendimento. Vamos te direcionar para a equipe certa.\n\nResponda com o número da opção desejada:\n1 - Suporte Técnico\n2 - Financeiro',
   null, null, '3EB0DE30000000000000302', 'delivered', false, null, now() - interval '11 minutes 59 seconds'),
  ('00000000-0000-4000-f100-000000000303', '00000000-0000-4000-f000-000000000003', '00000000-0000-4000-e000-000000000003', '00000000-0000-4000-d000-000000000001',
   'inbound', 'contact', null, 'text', '1', null, null, '3EB0DE30000000000000303', 'received', false,
   now() - interval '11 minutes 5 seconds', now() - interval '11 minutes 5 seconds'),
  ('00000000-0000-4000-f100-000000000304', '00000000-0000-4000-f000-000000000003', '00000000-0000-4000-e000-000000000003', '00000000-0000-4000-d000-000000000001',
   'outbound', 'bot', null, 'text', 'Certo! Em instantes um de nossos atendentes vai falar com você.', null, null,
   '3EB0DE30000000000000304', 'delivered', false, null, now() - interval '11 minutes'),
  ('00000000-0000-4000-f100-000000000305', '00000000-0000-4000-f000-000000000003', '00000000-0000-4000-e000-000000000003', '00000000-0000-4000-d000-000000000001',
   'inbound', 'contact', null, 'text', 'O roteador não liga de jeito nenhum, a luz nem acende.', null, null,
   '3EB0DE30000000000000305', 'received', false, now() - interval '10 minutes', now() - interval '10 minutes');

-- Their audit trail, as the bot and the RPCs would have written it.
insert into public.ticket_events (ticket_id, type, actor_id, from_team_id, to_team_id, from_agent_id, to_agent_id, data, created_at) values
  ('00000000-0000-4000-f000-000000000001', 'created', null, null, null, null, null, '{}', now() - interval '2 days 3 hours'),
  ('00000000-0000-4000-f000-000000000001', 'queued', null, null, '00000000-0000-4000-b000-000000000002', null, null,
   '{"reason": "option", "position": 2, "message_id": "00000000-0000-4000-f100-000000000103"}', now() - interval '2 days 2 hours 59 minutes'),
  ('00000000-0000-4000-f000-000000000001', 'accepted', '00000000-0000-4000-a000-000000000005', null, '00000000-0000-4000-b000-000000000002',
   null, '00000000-0000-4000-a000-000000000005', jsonb_build_object('queued_at', now() - interval '2 days 2 hours 59 minutes', 'first_acceptance', true),
   now() - interval '2 days 2 hours 55 minutes'),
  ('00000000-0000-4000-f000-000000000001', 'closed', '00000000-0000-4000-a000-000000000005', '00000000-0000-4000-b000-000000000002', null,
   '00000000-0000-4000-a000-000000000005', null,
   '{"reason": "agent", "classification_id": "00000000-0000-4000-c000-000000000004", "from_status": "open"}', now() - interval '2 days 2 hours 30 minutes'),
  ('00000000-0000-4000-f000-000000000001', 'rating_requested', null, null, null, null, null,
   '{"prompt_message_id": "00000000-0000-4000-f100-000000000110"}', now() - interval '2 days 2 hours 30 minutes'),
  ('00000000-0000-4000-f000-000000000001', 'rated', null, null, null, null, null,
   '{"rating": 9, "raw_answer": "9"}', now() - interval '2 days 2 hours 28 minutes'),

  ('00000000-0000-4000-f000-000000000002', 'created', null, null, null, null, null, '{}', now() - interval '40 minutes'),
  ('00000000-0000-4000-f000-000000000002', 'queued', null, null, '00000000-0000-4000-b000-000000000001', null, null,
   '{"reason": "option", "position": 1, "message_id": "00000000-0000-4000-f100-000000000203"}', now() - interval '38 minutes'),
  ('00000000-0000-4000-f000-000000000002', 'accepted', '00000000-0000-4000-a000-000000000003', null, '00000000-0000-4000-b000-000000000001',
   null, '00000000-0000-4000-a000-000000000003', jsonb_build_object('queued_at', now() - interval '38 minutes', 'first_acceptance', true),
   now() - interval '30 minutes'),

  ('00000000-0000-4000-f000-000000000003', 'created', null, null, null, null, null, '{}', now() - interval '12 minutes'),
  ('00000000-0000-4000-f000-000000000003', 'queued', null, null, '00000000-0000-4000-b000-000000000001', null, null,
   '{"reason": "option", "position": 1, "message_id": "00000000-0000-4000-f100-000000000303"}', now() - interval '11 minutes');
