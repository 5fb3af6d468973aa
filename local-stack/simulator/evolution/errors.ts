/** Evolution's error envelope (`src/main.ts`): `{ status, error, response: { message } }`. */

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
}

export class EvolutionError extends Error {
  constructor(readonly status: number, readonly messages: unknown) {
    super(typeof messages === 'string' ? messages : JSON.stringify(messages))
  }

  body(): Record<string, unknown> {
    return { status: this.status, error: STATUS_TEXT[this.status] ?? 'Error', response: { message: this.messages } }
  }
}

/** 401's `message` is a plain string; the others are usually arrays. */
export const unauthorized = () => new EvolutionError(401, 'Unauthorized')
export const badRequest = (...messages: unknown[]) => new EvolutionError(400, messages)
export const instanceNotFound = (name: string) => new EvolutionError(404, [`The "${name}" instance does not exist`])
export const notOnWhatsApp = (number: string, jid: string) => new EvolutionError(400, [{ jid, exists: false, number }])
