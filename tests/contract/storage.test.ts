/**
 * /storage/v1 through unmodified supabase-js: buckets and policies are created by the project owner
 * (the non-superuser `postgres`, as a migration would), and every object operation is decided by RLS on
 * storage.objects. Errors are asserted on storage's `statusCode`/`code`, which storage-js exposes.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO } from '../support/db.ts'
import { anonClient, eventually, getStack, serviceClient, signedInClient } from '../support/stack.ts'

const PRIVATE = 'test-private'
const PUBLIC = 'test-public'

let owner: pg.Client
let carla: SupabaseClient
let diego: SupabaseClient

/** A path inside Carla's own folder, where the policies let her write. */
const carlaPath = (name: string) => `${DEMO.carla.id}/${name}`

const bytesOf = (text: string) => new TextEncoder().encode(text)

async function blobBytes(blob: Blob | null): Promise<Uint8Array> {
  expect(blob).not.toBeNull()
  return new Uint8Array(await blob!.arrayBuffer())
}

beforeAll(async () => {
  owner = new pg.Client({ connectionString: getStack().dbUrl })
  await owner.connect()
  await owner.query(`
    insert into storage.buckets (id, name, public) values
      ('${PRIVATE}', '${PRIVATE}', false),
      ('${PUBLIC}', '${PUBLIC}', true)
    on conflict (id) do nothing;

    drop policy if exists "storage test: read own folder" on storage.objects;
    create policy "storage test: read own folder" on storage.objects for select to authenticated
      using (bucket_id in ('${PRIVATE}', '${PUBLIC}') and (storage.foldername(name))[1] = (select auth.uid())::text);
    drop policy if exists "storage test: upload to own folder" on storage.objects;
    create policy "storage test: upload to own folder" on storage.objects for insert to authenticated
      with check (bucket_id in ('${PRIVATE}', '${PUBLIC}') and (storage.foldername(name))[1] = (select auth.uid())::text);
    drop policy if exists "storage test: update own folder" on storage.objects;
    create policy "storage test: update own folder" on storage.objects for update to authenticated
      using (bucket_id in ('${PRIVATE}', '${PUBLIC}') and (storage.foldername(name))[1] = (select auth.uid())::text)
      with check (bucket_id in ('${PRIVATE}', '${PUBLIC}') and (storage.foldername(name))[1] = (select auth.uid())::text);
    drop policy if exists "storage test: e-mail folder, POST uploads only" on storage.objects;
    create policy "storage test: e-mail folder, POST uploads only" on storage.objects for insert to authenticated
      with check (bucket_id = '${PRIVATE}' and (storage.foldername(name))[1] = (select auth.jwt() ->> 'email')
        and current_setting('request.method', true) = 'POST'
        and current_setting('storage.operation', true) = 'storage.object.upload');
    drop policy if exists "storage test: delete own folder" on storage.objects;
    create policy "storage test: delete own folder" on storage.objects for delete to authenticated
      using (bucket_id in ('${PRIVATE}', '${PUBLIC}') and (storage.foldername(name))[1] = (select auth.uid())::text);
  `)
  carla = await signedInClient(DEMO.carla.email, DEMO.password)
  diego = await signedInClient(DEMO.diego.email, DEMO.password)
})

afterAll(async () => {
  await owner?.end()
})

describe('upload and download', () => {
  it('stores a Blob sent as multipart and returns the same bytes', async () => {
    const content = bytesOf('%PDF-1.7 comprovante de pagamento\n')
    const upload = await carla.storage.from(PRIVATE).upload(carlaPath('docs/comprovante.pdf'), new Blob([content], { type: 'application/pdf' }))
    expect(upload.error).toBeNull()
    expect(upload.data).toMatchObject({ path: carlaPath('docs/comprovante.pdf'), fullPath: `${PRIVATE}/${carlaPath('docs/comprovante.pdf')}` })
    expect(upload.data!.id).toMatch(/^[0-9a-f-]{36}$/)

    const download = await carla.storage.from(PRIVATE).download(carlaPath('docs/comprovante.pdf'))
    expect(download.error).toBeNull()
    expect(download.data!.type).toBe('application/pdf')
    expect(await blobBytes(download.data)).toEqual(content)

    // The row records who uploaded it, as Storage does.
    const { rows } = await owner.query('select owner_id, metadata from storage.objects where bucket_id = $1 and name = $2',
      [PRIVATE, carlaPath('docs/comprovante.pdf')])
    expect(rows[0]).toMatchObject({ owner_id: DEMO.carla.id, metadata: { mimetype: 'application/pdf', size: content.byteLength } })
  })

  it('stores an ArrayBuffer sent as a raw body with its content type and metadata', async () => {
    const content = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255])
    const upload = await carla.storage.from(PRIVATE).upload(carlaPath('foto.png'), content.buffer, {
      contentType: 'image/png', cacheControl: '120', metadata: { origem: 'whatsapp' },
    })
    expect(upload.error).toBeNull()

    const download = await carla.storage.from(PRIVATE).download(carlaPath('foto.png'))
    expect(await blobBytes(download.data)).toEqual(content)

    const info = await carla.storage.from(PRIVATE).info(carlaPath('foto.png'))
    expect(info.error).toBeNull()
    expect(info.data).toMatchObject({
      name: carlaPath('foto.png'), bucketId: PRIVATE, size: content.byteLength, contentType: 'image/png',
      cacheControl: 'max-age=120', metadata: { origem: 'whatsapp' },
    })
  })

  it('refuses an upload outside the caller\'s folder with 403 AccessDenied', async () => {
    const { error } = await carla.storage.from(PRIVATE).upload(`${DEMO.diego.id}/intruso.txt`, new Blob(['x']))
    expect(error).toMatchObject({ statusCode: '403', code: 'AccessDenied' })
    // Nothing was stored: the permission is checked before the bytes are written.
    const { rows } = await owner.query('select 1 from storage.objects where name = $1', [`${DEMO.diego.id}/intruso.txt`])
    expect(rows).toHaveLength(0)
  })

  it('refuses an anonymous upload to the private bucket', async () => {
    const { error } = await anonClient().storage.from(PRIVATE).upload('anon/arquivo.txt', new Blob(['anon']))
    expect(error).toMatchObject({ statusCode: '403', code: 'AccessDenied' })
  })

  it('answers 409 to a duplicate without upsert and overwrites with upsert', async () => {
    const path = carlaPath('duplicado.txt')
    expect((await carla.storage.from(PRIVATE).upload(path, new Blob(['primeira versão']))).error).toBeNull()

    const duplicate = await carla.storage.from(PRIVATE).upload(path, new Blob(['segunda versão']))
    expect(duplicate.error).toMatchObject({ statusCode: '409', code: 'KeyAlreadyExists' })

    const upsert = await carla.storage.from(PRIVATE).upload(path, new Blob(['terceira versão']), { upsert: true })
    expect(upsert.error).toBeNull()
    expect(await (await carla.storage.from(PRIVATE).download(path)).data!.text()).toBe('terceira versão')

    const update = await carla.storage.from(PRIVATE).update(path, bytesOf('quarta versão'), { contentType: 'text/plain' })
    expect(update.error).toBeNull()
    expect(await (await carla.storage.from(PRIVATE).download(path)).data!.text()).toBe('quarta versão')
  })

  it('enforces the bucket\'s size limit and allowed MIME types', async () => {
    const service = serviceClient()
    const created = await service.storage.createBucket('test-limited', { public: false, fileSizeLimit: 16, allowedMimeTypes: ['image/*'] })
    expect(created.error).toBeNull()

    const wrongType = await service.storage.from('test-limited').upload('a.txt', new Blob(['texto'], { type: 'text/plain' }))
    expect(wrongType.error).toMatchObject({ statusCode: '415', code: 'InvalidMimeType' })

    const tooLarge = await service.storage.from('test-limited').upload('a.png', new Uint8Array(17), { contentType: 'image/png' })
    expect(tooLarge.error).toMatchObject({ statusCode: '413', code: 'EntityTooLarge' })

    const fits = await service.storage.from('test-limited').upload('b.png', new Uint8Array(16), { contentType: 'image/png' })
    expect(fits.error).toBeNull()
  })
})

describe('the SQL scope of a request', () => {
  it('gives policies the caller\'s claims and the request, as Storage sets them', async () => {
    const byPost = await carla.storage.from(PRIVATE).upload(`${DEMO.carla.email}/por-email.txt`, new Blob(['x']))
    expect(byPost.error).toBeNull()
    // update() is a PUT (operation storage.object.upload_update): the policy above refuses it.
    const byPut = await carla.storage.from(PRIVATE).update(`${DEMO.carla.email}/outro.txt`, new Blob(['y']))
    expect(byPut.error).toMatchObject({ statusCode: '403', code: 'AccessDenied' })
    const { error } = await diego.storage.from(PRIVATE).upload(`${DEMO.carla.email}/do-diego.txt`, new Blob(['z']))
    expect(error).toMatchObject({ statusCode: '403', code: 'AccessDenied' })
  })
})

describe('reading someone else\'s file', () => {
  it('hides Carla\'s file from Diego for download, info and signing', async () => {
    const path = carlaPath('privado.txt')
    expect((await carla.storage.from(PRIVATE).upload(path, new Blob(['só da Carla']))).error).toBeNull()

    const download = await diego.storage.from(PRIVATE).download(path)
    expect(download.data).toBeNull()
    expect(download.error).toMatchObject({ statusCode: '404', code: 'NoSuchKey' })

    const signed = await diego.storage.from(PRIVATE).createSignedUrl(path, 60)
    expect(signed.error).toMatchObject({ statusCode: '404', code: 'NoSuchKey' })

    expect(await diego.storage.from(PRIVATE).exists(path)).toMatchObject({ data: false })
    expect(await carla.storage.from(PRIVATE).exists(path)).toMatchObject({ data: true })
  })
})

describe('signed URLs', () => {
  it('serves a signed URL to a plain fetch without any headers', async () => {
    const path = carlaPath('assinado.txt')
    await carla.storage.from(PRIVATE).upload(path, new Blob(['conteúdo assinado'], { type: 'text/plain' }))

    const { data, error } = await carla.storage.from(PRIVATE).createSignedUrl(path, 60, { download: 'recibo.txt' })
    expect(error).toBeNull()
    const response = await fetch(data!.signedUrl)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain')
    expect(response.headers.get('content-disposition')).toContain('filename=recibo.txt')
    expect(await response.text()).toBe('conteúdo assinado')

    // Media players read in byte ranges ('ú' takes two bytes).
    const partial = await fetch(data!.signedUrl, { headers: { range: 'bytes=0-8' } })
    expect(partial.status).toBe(206)
    expect(partial.headers.get('content-range')).toBe(`bytes 0-8/${bytesOf('conteúdo assinado').byteLength}`)
    expect(await partial.text()).toBe('conteúdo')
  })

  it('signs several paths at once, with an error entry for what the caller cannot read', async () => {
    await carla.storage.from(PRIVATE).upload(carlaPath('lote/1.txt'), new Blob(['um']))
    const { data, error } = await carla.storage.from(PRIVATE).createSignedUrls([carlaPath('lote/1.txt'), carlaPath('lote/nao-existe.txt')], 60)
    expect(error).toBeNull()
    expect(data![0]).toMatchObject({ path: carlaPath('lote/1.txt'), error: null })
    expect(data![1]).toMatchObject({ path: carlaPath('lote/nao-existe.txt'), signedUrl: null })
    expect(data![1]!.error).toEqual(expect.any(String))
    expect(await (await fetch(data![0]!.signedUrl!)).text()).toBe('um')
  })

  it('stops serving a signed URL once it expires', async () => {
    const path = carlaPath('expira.txt')
    await carla.storage.from(PRIVATE).upload(path, new Blob(['efêmero']))
    // Token times have one-second resolution: 2 s guarantees at least one valid second.
    const { data } = await carla.storage.from(PRIVATE).createSignedUrl(path, 2)
    expect((await fetch(data!.signedUrl)).status).toBe(200)

    const expired = await eventually(async () => {
      const response = await fetch(data!.signedUrl)
      return response.ok ? undefined : response
    }, 6000, 'the signed URL to expire')
    expect(expired.status).toBe(400)
    expect(await expired.json()).toMatchObject({ statusCode: '400', code: 'InvalidJWT' })
  })

  it('refuses a token signed for another object', async () => {
    await carla.storage.from(PRIVATE).upload(carlaPath('a.txt'), new Blob(['a']))
    await carla.storage.from(PRIVATE).upload(carlaPath('b.txt'), new Blob(['b']))
    const { data } = await carla.storage.from(PRIVATE).createSignedUrl(carlaPath('a.txt'), 60)
    const forged = data!.signedUrl.replace(carlaPath('a.txt'), carlaPath('b.txt'))
    const response = await fetch(forged)
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ statusCode: '400', code: 'InvalidSignature' })
  })

  it('uploads through a signed upload URL, owned by whoever signed it', async () => {
    const path = carlaPath('via-url-assinada.txt')
    const signed = await carla.storage.from(PRIVATE).createSignedUploadUrl(path)
    expect(signed.error).toBeNull()

    // Anyone holding the token may upload, without a session of their own.
    const upload = await anonClient().storage.from(PRIVATE).uploadToSignedUrl(path, signed.data!.token, new Blob(['enviado com token']))
    expect(upload.error).toBeNull()
    expect(upload.data).toMatchObject({ path, fullPath: `${PRIVATE}/${path}` })

    expect(await (await carla.storage.from(PRIVATE).download(path)).data!.text()).toBe('enviado com token')
    const { rows } = await owner.query('select owner_id from storage.objects where bucket_id = $1 and name = $2', [PRIVATE, path])
    expect(rows[0]).toEqual({ owner_id: DEMO.carla.id })

    // The token is bound to its path and cannot be used as a download token.
    const elsewhere = await anonClient().storage.from(PRIVATE).uploadToSignedUrl(carlaPath('outro.txt'), signed.data!.token, new Blob(['x']))
    expect(elsewhere.error).toMatchObject({ statusCode: '400', code: 'InvalidSignature' })
  })

  it('refuses to sign an upload URL without INSERT permission', async () => {
    const { error } = await diego.storage.from(PRIVATE).createSignedUploadUrl(carlaPath('do-diego.txt'))
    expect(error).toMatchObject({ statusCode: '403', code: 'AccessDenied' })
  })
})

describe('public buckets', () => {
  it('serves getPublicUrl without authentication, and only for public buckets', async () => {
    const path = carlaPath('logo.svg')
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"/>'
    expect((await carla.storage.from(PUBLIC).upload(path, new Blob([svg], { type: 'image/svg+xml' }))).error).toBeNull()

    const publicUrl = carla.storage.from(PUBLIC).getPublicUrl(path).data.publicUrl
    const response = await fetch(publicUrl)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/svg+xml')
    expect(await response.text()).toBe(svg)

    await carla.storage.from(PRIVATE).upload(carlaPath('nao-publico.txt'), new Blob(['x']))
    const privateResponse = await fetch(carla.storage.from(PRIVATE).getPublicUrl(carlaPath('nao-publico.txt')).data.publicUrl)
    expect(privateResponse.status).toBe(400)
    expect(await privateResponse.json()).toMatchObject({ statusCode: '404', code: 'NoSuchBucket' })
  })
})

describe('listing, removing, moving and copying', () => {
  it('lists one folder level with folders as entries without id', async () => {
    for (const name of ['lista/b.txt', 'lista/a.txt', 'lista/sub/c.txt']) {
      expect((await carla.storage.from(PRIVATE).upload(carlaPath(name), new Blob([name]))).error).toBeNull()
    }
    const { data, error } = await carla.storage.from(PRIVATE).list(carlaPath('lista'))
    expect(error).toBeNull()
    expect(data!.map(entry => [entry.name, entry.id === null])).toEqual([['a.txt', false], ['b.txt', false], ['sub', true]])
    expect(data![0]!.metadata).toMatchObject({ size: 'lista/a.txt'.length })

    const searched = await carla.storage.from(PRIVATE).list(carlaPath('lista'), { search: 'b' })
    expect(searched.data!.map(entry => entry.name)).toEqual(['b.txt'])

    // RLS decides what a listing shows.
    const byDiego = await diego.storage.from(PRIVATE).list(carlaPath('lista'))
    expect(byDiego.error).toBeNull()
    expect(byDiego.data).toEqual([])
  })

  it('removes files the caller may delete and returns them', async () => {
    const path = carlaPath('remover.txt')
    await carla.storage.from(PRIVATE).upload(path, new Blob(['tchau']))

    const byDiego = await diego.storage.from(PRIVATE).remove([path])
    expect(byDiego.error).toBeNull()
    expect(byDiego.data).toEqual([])

    const removed = await carla.storage.from(PRIVATE).remove([path])
    expect(removed.error).toBeNull()
    expect(removed.data!.map(object => object.name)).toEqual([path])
    const download = await carla.storage.from(PRIVATE).download(path)
    expect(download.error).toMatchObject({ statusCode: '404', code: 'NoSuchKey' })
  })

  it('moves a file to a new path', async () => {
    await carla.storage.from(PRIVATE).upload(carlaPath('mover/origem.txt'), new Blob(['em movimento']))
    const moved = await carla.storage.from(PRIVATE).move(carlaPath('mover/origem.txt'), carlaPath('mover/destino.txt'))
    expect(moved.error).toBeNull()

    expect((await carla.storage.from(PRIVATE).download(carlaPath('mover/origem.txt'))).error).toMatchObject({ code: 'NoSuchKey' })
    expect(await (await carla.storage.from(PRIVATE).download(carlaPath('mover/destino.txt'))).data!.text()).toBe('em movimento')

    // Moving into someone else's folder fails the UPDATE policy's check.
    const intoDiego = await carla.storage.from(PRIVATE).move(carlaPath('mover/destino.txt'), `${DEMO.diego.id}/roubado.txt`)
    expect(intoDiego.error).toMatchObject({ statusCode: '403', code: 'AccessDenied' })
  })

  it('copies a file, keeping the original', async () => {
    await carla.storage.from(PRIVATE).upload(carlaPath('copiar/original.txt'), new Blob(['duplicável'], { type: 'text/plain' }))
    const copied = await carla.storage.from(PRIVATE).copy(carlaPath('copiar/original.txt'), carlaPath('copiar/copia.txt'))
    expect(copied.error).toBeNull()
    expect(copied.data).toEqual({ path: `${PRIVATE}/${carlaPath('copiar/copia.txt')}` })
    expect(await (await carla.storage.from(PRIVATE).download(carlaPath('copiar/copia.txt'))).data!.text()).toBe('duplicável')
    expect(await (await carla.storage.from(PRIVATE).download(carlaPath('copiar/original.txt'))).data!.text()).toBe('duplicável')
  })
})

describe('buckets', () => {
  it('lets the service role manage buckets and hides them from users without a policy', async () => {
    const service = serviceClient()
    expect((await service.storage.createBucket('test-managed', { public: false })).error).toBeNull()
    const duplicate = await service.storage.createBucket('test-managed')
    expect(duplicate.error).toMatchObject({ statusCode: '409', code: 'BucketAlreadyExists' })

    const got = await service.storage.getBucket('test-managed')
    expect(got.data).toMatchObject({ id: 'test-managed', name: 'test-managed', public: false })
    const listed = await service.storage.listBuckets()
    expect(listed.data!.map(bucket => bucket.id)).toEqual(expect.arrayContaining([PRIVATE, PUBLIC, 'test-managed']))

    // storage.buckets has RLS and no policy for users.
    expect((await carla.storage.getBucket('test-managed')).error).toMatchObject({ statusCode: '404', code: 'NoSuchBucket' })
    expect((await carla.storage.createBucket('carla-bucket')).error).toMatchObject({ statusCode: '403', code: 'AccessDenied' })

    expect((await service.storage.updateBucket('test-managed', { public: true })).error).toBeNull()
    expect((await service.storage.getBucket('test-managed')).data).toMatchObject({ public: true })

    await service.storage.from('test-managed').upload('x.txt', new Blob(['x']))
    const notEmpty = await service.storage.deleteBucket('test-managed')
    expect(notEmpty.error).toMatchObject({ statusCode: '409', code: 'ResourceNotEmpty' })
    expect((await service.storage.emptyBucket('test-managed')).error).toBeNull()
    expect((await service.storage.deleteBucket('test-managed')).error).toBeNull()
    expect((await service.storage.getBucket('test-managed')).error).toMatchObject({ statusCode: '404', code: 'NoSuchBucket' })
  })

  it('reports a missing bucket on upload', async () => {
    const { error } = await carla.storage.from('nao-existe').upload(carlaPath('x.txt'), new Blob(['x']))
    expect(error).toMatchObject({ statusCode: '404', code: 'NoSuchBucket' })
  })
})
