import { VOICE_LABELS, VOICE_NOTE_MAX_SECONDS, VOICE_NOTE_MIME_TYPES } from '~/constants/composer'
import { pickRecordingMime, recordingExtension } from '~/utils/composer'
import { webmOpusToOgg } from '~/utils/ogg-opus'

export type VoiceRecorderState = 'idle' | 'starting' | 'recording' | 'stopping'

/** Shorter recordings are taps on the button by mistake, not messages. */
const MIN_SECONDS = 0.8

/** The pt-BR reason for a getUserMedia/MediaRecorder failure. */
function recorderFailure(error: unknown): string {
  const name = error instanceof DOMException || error instanceof Error ? error.name : ''
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return VOICE_LABELS.denied
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return VOICE_LABELS.noMicrophone
  if (name === 'NotReadableError' || name === 'AbortError' || name === 'TrackStartError') return VOICE_LABELS.busy
  return VOICE_LABELS.failed
}

/** "2026-11-21-14-05-09": sortable, safe in a file name. */
function fileStamp(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}-${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`
}

/**
 * WhatsApp wants OGG/Opus voice notes: a WebM/Opus recording (Chromium) is rewritten as Ogg with the
 * same Opus packets (utils/ogg-opus.ts); anything else is sent as recorded.
 */
async function asVoiceNoteFile(blob: Blob, mime: string, stamp: string): Promise<File> {
  if (mime.startsWith('audio/webm')) {
    const ogg = webmOpusToOgg(new Uint8Array(await blob.arrayBuffer()))
    if (ogg) return new File([ogg], VOICE_LABELS.fileName(stamp, 'ogg'), { type: 'audio/ogg' })
  }
  const type = mime.split(';')[0] ?? mime
  return new File([blob], VOICE_LABELS.fileName(stamp, recordingExtension(mime)), { type })
}

/**
 * Records a voice note with the browser's microphone, as OGG/Opus: recorded so where the browser can
 * (Firefox), else recorded as WebM/Opus (Chromium) and rewritten. `stop()` hands back the recording as
 * a File, `cancel()` throws it away; the microphone is released either way, and when the component
 * goes away. A recording that reaches the maximum length is stopped and handed to `onLimit`.
 */
export function useVoiceRecorder(options: { onLimit?: (file: File) => void } = {}) {
  const state = ref<VoiceRecorderState>('idle')
  const elapsedSeconds = ref(0)
  const error = ref<string | null>(null)

  let stream: MediaStream | null = null
  let recorder: MediaRecorder | null = null
  let chunks: Blob[] = []
  let timer: ReturnType<typeof setInterval> | undefined
  let startedAt = 0

  function release(): void {
    if (timer) clearInterval(timer)
    timer = undefined
    for (const track of stream?.getTracks() ?? []) track.stop()
    stream = null
    recorder = null
  }

  async function start(): Promise<boolean> {
    if (state.value !== 'idle') return false
    error.value = null
    if (!window.isSecureContext) {
      error.value = VOICE_LABELS.insecure
      return false
    }
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') {
      error.value = VOICE_LABELS.unsupported
      return false
    }
    state.value = 'starting'
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } })
      const mimeType = pickRecordingMime(VOICE_NOTE_MIME_TYPES, type => MediaRecorder.isTypeSupported(type))
      recorder = new MediaRecorder(stream, mimeType ? { mimeType, audioBitsPerSecond: 32_000 } : undefined)
      chunks = []
      recorder.ondataavailable = (event) => {
        if (event.data.size > 0) chunks.push(event.data)
      }
      // Timeslices keep what was recorded even if the tab is closed mid-way (nothing is lost on stop).
      recorder.start(250)
      startedAt = performance.now()
      elapsedSeconds.value = 0
      timer = setInterval(() => {
        elapsedSeconds.value = (performance.now() - startedAt) / 1000
        if (elapsedSeconds.value >= VOICE_NOTE_MAX_SECONDS) {
          void stop().then(file => file && options.onLimit?.(file))
        }
      }, 200)
      state.value = 'recording'
      return true
    }
    catch (cause) {
      release()
      state.value = 'idle'
      error.value = recorderFailure(cause)
      return false
    }
  }

  /** Ends the recording and returns it, or null when it was too short (the reason is in `error`). */
  function stop(): Promise<File | null> {
    const active = recorder
    if (state.value !== 'recording' || !active) return Promise.resolve(null)
    state.value = 'stopping'
    const seconds = (performance.now() - startedAt) / 1000
    return new Promise((resolve) => {
      active.onstop = async () => {
        const mime = active.mimeType || 'audio/webm'
        const blob = new Blob(chunks, { type: mime })
        chunks = []
        release()
        if (seconds < MIN_SECONDS || blob.size === 0) {
          state.value = 'idle'
          elapsedSeconds.value = 0
          error.value = VOICE_LABELS.tooShort
          resolve(null)
          return
        }
        const file = await asVoiceNoteFile(blob, mime, fileStamp(new Date()))
        state.value = 'idle'
        elapsedSeconds.value = 0
        resolve(file)
      }
      active.stop()
    })
  }

  /** Throws the recording away and frees the microphone. */
  function cancel(): void {
    if (recorder && recorder.state !== 'inactive') {
      recorder.onstop = null
      recorder.ondataavailable = null
      recorder.stop()
    }
    chunks = []
    release()
    state.value = 'idle'
    elapsedSeconds.value = 0
  }

  function clearError(): void {
    error.value = null
  }

  onBeforeUnmount(cancel)

  return { state: readonly(state), elapsedSeconds: readonly(elapsedSeconds), error: readonly(error), start, stop, cancel, clearError }
}
