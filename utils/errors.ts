import type { AuthFailureReason } from '../constants/auth.ts'

/** A failed data-layer request; `status` 0 means the server could not be reached at all. */
export class DataRequestError extends Error {
  constructor(message: string, readonly code: string, readonly status: number) {
    super(message)
    this.name = 'DataRequestError'
  }
}

/** Thrown when the credentials were accepted but the app still refuses the session (no or inactive profile). */
export class SessionRefusedError extends Error {
  constructor(readonly reason: AuthFailureReason) {
    super(`session refused: ${reason}`)
    this.name = 'SessionRefusedError'
  }
}
