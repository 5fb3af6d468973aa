-- Media of conversations in a private bucket. Inbound media is written by edge functions (service
-- role); agents upload what they send under uploads/<their id>/; anyone may read a file that belongs
-- to a message they may see.
insert into storage.buckets (id, name, public, file_size_limit)
values ('media', 'media', false, 100 * 1024 * 1024)
on conflict (id) do nothing;

create policy "staff read media of messages they may see" on storage.objects
  for select to authenticated using (
    bucket_id = 'media' and (
      exists (select 1 from public.messages m where m.media_path = storage.objects.name)
      or (
        (storage.foldername(name))[1] = 'uploads'
        and (storage.foldername(name))[2] = (select auth.uid())::text
        and (select private.current_user_role()) is not null
      )
    )
  );

create policy "agents upload media to their own folder" on storage.objects
  for insert to authenticated with check (
    bucket_id = 'media'
    and (storage.foldername(name))[1] = 'uploads'
    and (storage.foldername(name))[2] = (select auth.uid())::text
    and (select private.current_user_role()) in ('admin', 'supervisor', 'agent')
  );
