/**
 * The fake Graph API, mounted at `<simulator>/graph` (channel_secrets.cloud_graph_base_url). Any version
 * (`/v23.0/…`); `Authorization: Bearer <token>` must be a registered number's access token, and an object
 * is only visible to its own number's token (reference B.3–B.4):
 *
 *   GET    /{version}/{phone_number_id}            number info
 *   POST   /{version}/{phone_number_id}/messages   send (or `status: "read"`)
 *   POST   /{version}/{phone_number_id}/media      multipart upload (`file`, `type`, `messaging_product`) → { id }
 *   GET    /{version}/{media_id}                   { url, mime_type, sha256, file_size, id, messaging_product }
 *   DELETE /{version}/{media_id}                   { success: true }
 *   GET    /download/attachments?mid=&ext=&hash=   the media URL: Bearer token required, valid 5 minutes
 */
import { createHmac, randomBytes } from 'node:crypto'
import type { SimulatorContext } from '../context.ts'
import { type SimRequest, Router, dropConnection, headerOf, holdWithoutAnswer, sendJsonBody } from '../http.ts'
import { baseMimeType, type StoredMedia } from '../media.ts'
import { displayPhone } from '../phones.ts'
import { GraphError, invalidToken, missingToken, unknownObject, unknownPath } from './errors.ts'
import type { CloudNumber, CloudNumbers } from './numbers.ts'
import type { CloudSender } from './send.ts'

const URL_LIFETIME_MS = 5 * 60_000

/** Meta's accepted upload types and sizes (reference B.4). */
const UPLOAD_LIMITS: Record<string, number> = {
  'audio/aac': 16, 'audio/amr': 16, 'audio/mpeg': 16, 'audio/mp4': 16, 'audio/ogg': 16,
  'text/plain': 100, 'application/pdf': 100, 'application/msword': 100, 'application/vnd.ms-excel': 100, 'application/vnd.ms-powerpoint': 100,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 100,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 100,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 100,
  'image/jpeg': 5, 'image/png': 5, 'image/webp': 0.5, 'video/mp4': 16, 'video/3gp': 16,
}

export class GraphApi {
  private readonly router = new Router()
  /** Signs media URLs so they cannot be forged or reused after they expire. */
  private readonly urlSecret = randomBytes(32)

  constructor(private readonly ctx: SimulatorContext, private readonly numbers: CloudNumbers, private readonly sender: CloudSender) {
    this.router
      .on('GET', '/download/attachments', request => this.download(request))
      .on('GET', '/:version/:id', request => this.getObject(request))
      .on('DELETE', '/:version/:id', request => this.deleteMedia(request))
      .on('POST', '/:version/:id/messages', request => this.send(request))
      .on('POST', '/:version/:id/media', request => this.upload(request))
  }

  async handle(request: SimRequest): Promise<void> {
    const match = this.router.match(request.method, request.path)
    try {
      if (!('handler' in match)) throw unknownPath(request.path)
      request.params = match.params
      const version = match.params.version
      if (version !== undefined && !/^v\d+\.\d+$/.test(version)) throw unknownPath(request.path)
      const id = match.params.id
      request.target = id
      if (this.ctx.faults.isOutage(`cloud:${id ?? ''}`)) {
        dropConnection(request)
        return
      }
      await match.handler(request)
    }
    catch (error) {
      if (error instanceof GraphError) {
        const headers: Record<string, string> = error.code === 190 ? { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"' } : {}
        sendJsonBody(request.res, error.status, error.body(), headers)
        return
      }
      if (error instanceof SyntaxError) {
        sendJsonBody(request.res, 400, new GraphError(400, '(#100) The request body is not valid JSON', 100).body())
        return
      }
      throw error
    }
  }

  /** The token must be some number's; then the object must belong to that same number. */
  private token(request: SimRequest): string {
    const header = headerOf(request.req, 'authorization')
    const token = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : request.url.searchParams.get('access_token') ?? undefined
    if (!token) throw missingToken()
    if (!this.numbers.hasToken(token)) throw invalidToken()
    return token
  }

  private ownNumber(request: SimRequest, method: 'get' | 'post'): CloudNumber {
    const token = this.token(request)
    const id = request.params.id ?? ''
    const number = this.numbers.get(id)
    if (!number || number.accessToken !== token) throw unknownObject(method, id)
    return number
  }

  private ownMedia(request: SimRequest, method: 'get' | 'delete'): StoredMedia {
    const token = this.token(request)
    const id = request.params.id ?? ''
    const media = this.ctx.media.get(id)
    const owner = media?.owner.startsWith('cloud:') ? this.numbers.get(media.owner.slice('cloud:'.length)) : undefined
    const wanted = request.url.searchParams.get('phone_number_id')
    if (!media || !owner || owner.accessToken !== token || (wanted && wanted !== owner.phoneNumberId)) throw unknownObject(method, id)
    return media
  }

  private getObject(request: SimRequest): void {
    const id = request.params.id ?? ''
    if (this.numbers.get(id)) {
      const number = this.ownNumber(request, 'get')
      sendJsonBody(request.res, 200, {
        verified_name: number.verifiedName,
        code_verification_status: 'VERIFIED',
        display_phone_number: displayPhone(number.displayPhoneNumber),
        quality_rating: 'GREEN',
        platform_type: 'CLOUD_API',
        throughput: { level: 'STANDARD' },
        id: number.phoneNumberId,
      })
      return
    }
    const media = this.ownMedia(request, 'get')
    const expires = Math.floor((Date.now() + URL_LIFETIME_MS) / 1000)
    const url = `${this.ctx.baseUrl()}/graph/download/attachments?mid=${media.id}&ext=${expires}&hash=${this.urlHash(media.id, expires)}`
    sendJsonBody(request.res, 200, { url, mime_type: media.mimeType, sha256: media.sha256, file_size: String(media.size), id: media.id, messaging_product: 'whatsapp' })
  }

  private urlHash(mediaId: string, expires: number): string {
    return createHmac('sha256', this.urlSecret).update(`${mediaId}:${expires}`).digest('base64url').slice(0, 27)
  }

  private download(request: SimRequest): void {
    const params = request.url.searchParams
    const mediaId = params.get('mid') ?? ''
    const expires = Number(params.get('ext'))
    const media = this.ctx.media.get(mediaId)
    const valid = media && Number.isFinite(expires) && params.get('hash') === this.urlHash(mediaId, expires) && expires * 1000 > Date.now()
    if (!valid) {
      request.res.writeHead(404, { 'content-type': 'text/plain' }).end('URL Signature expired')
      return
    }
    const token = this.token(request)
    const owner = this.numbers.get(media.owner.slice('cloud:'.length))
    if (!owner || owner.accessToken !== token) throw invalidToken()
    request.res.writeHead(200, { 'content-type': media.mimeType, 'content-length': String(media.size), 'content-disposition': 'attachment' })
    request.res.end(media.bytes)
  }

  private deleteMedia(request: SimRequest): void {
    const media = this.ownMedia(request, 'delete')
    this.ctx.media.delete(media.id)
    sendJsonBody(request.res, 200, { success: true })
  }

  private async send(request: SimRequest): Promise<void> {
    const number = this.ownNumber(request, 'post')
    const outcome = this.sender.send(number, await request.json())
    if ('fault' in outcome) {
      if (outcome.fault === 'outage') dropConnection(request)
      else await holdWithoutAnswer(request, this.ctx.options.sendTimeoutHoldMs)
      return
    }
    sendJsonBody(request.res, outcome.status, outcome.body)
  }

  private async upload(request: SimRequest): Promise<void> {
    const number = this.ownNumber(request, 'post')
    const contentType = headerOf(request.req, 'content-type') ?? ''
    if (!contentType.startsWith('multipart/form-data')) throw uploadError('The request must be multipart/form-data.')
    let form: FormData
    try {
      form = await new Request('http://graph.local/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(await request.raw()) }).formData()
    }
    catch {
      throw uploadError('The multipart body could not be parsed.')
    }
    if (form.get('messaging_product') !== 'whatsapp') throw uploadError('The parameter messaging_product is required.')
    const file = form.get('file')
    if (!(file instanceof File)) throw uploadError('The parameter file is required.')
    const type = form.get('type')
    const mimeType = typeof type === 'string' && type !== '' ? type : file.type
    const limitMb = UPLOAD_LIMITS[baseMimeType(mimeType)]
    if (limitMb === undefined) {
      throw uploadError(`Param file must be a file with one of the following types: ${Object.keys(UPLOAD_LIMITS).join(', ')}. Received file of type '${mimeType}'.`)
    }
    if (file.size > limitMb * 1024 * 1024) throw uploadError(`Param file must be at most ${limitMb} MB for type '${mimeType}'.`)
    const media = this.ctx.media.put({
      bytes: Buffer.from(await file.arrayBuffer()),
      mimeType,
      fileName: file.name && file.name !== 'blob' ? file.name : null,
      owner: `cloud:${number.phoneNumberId}`,
    })
    sendJsonBody(request.res, 200, { id: media.id })
  }
}

function uploadError(details: string): GraphError {
  return new GraphError(400, '(#100) Invalid parameter', 100, 'OAuthException', { error_data: { messaging_product: 'whatsapp', details } })
}
