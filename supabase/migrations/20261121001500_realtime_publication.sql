-- Tables the app follows live: inbox and conversation (tickets, messages), connection screens
-- (channels, QR codes). Realtime applies each subscriber's RLS before delivering a change.
alter publication supabase_realtime add table public.tickets, public.messages, public.channels, public.channel_qr_codes;
