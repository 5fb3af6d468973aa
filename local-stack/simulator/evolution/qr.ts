/**
 * QR codes like Baileys makes them: `code` is `2@<ref>,<noise key>,<identity key>,<adv secret>` (base64
 * parts), `base64` the PNG data URL Evolution renders with `qrcode.toDataURL`. Scanning is simulated, so
 * the content only has to look right and render as a real, scannable QR image.
 */
import { randomBytes } from 'node:crypto'
import { encode } from 'uqr'
import { encodeModulesPng } from '../png.ts'

export function newQrCode(): { code: string, base64: string } {
  const code = `2@${randomBytes(48).toString('base64')},${randomBytes(32).toString('base64')},${randomBytes(32).toString('base64')},${randomBytes(32).toString('base64')}`
  const { data } = encode(code, { ecc: 'L', border: 0 })
  return { code, base64: `data:image/png;base64,${encodeModulesPng(data, 4, 4).toString('base64')}` }
}
