/**
 * Voice notes: recorded from the microphone with MediaRecorder, or — for machines without one — a short
 * generated melody ("áudio de exemplo"), recorded the same way from an AudioContext, or as a WAV file when
 * the browser cannot record at all.
 */

export interface RecordedAudio {
  blob: Blob
  mimeType: string
  seconds: number
}

const PREFERRED_TYPES = ['audio/ogg;codecs=opus', 'audio/webm;codecs=opus', 'audio/webm', 'audio/mp4']

function recorderType(): string | undefined {
  if (typeof MediaRecorder === 'undefined') return undefined
  return PREFERRED_TYPES.find(type => MediaRecorder.isTypeSupported(type))
}

export function canUseMicrophone(): boolean {
  return Boolean(navigator.mediaDevices?.getUserMedia) && recorderType() !== undefined
}

function record(stream: MediaStream): { stop: () => Promise<RecordedAudio>, cancel: () => void } {
  const mimeType = recorderType()!
  const recorder = new MediaRecorder(stream, { mimeType })
  const chunks: Blob[] = []
  const started = performance.now()
  recorder.addEventListener('dataavailable', event => chunks.push(event.data))
  recorder.start()
  const finished = new Promise<RecordedAudio>((resolve) => {
    recorder.addEventListener('stop', () => {
      stream.getTracks().forEach(track => track.stop())
      const seconds = Math.max(1, Math.round((performance.now() - started) / 1000))
      resolve({ blob: new Blob(chunks, { type: mimeType }), mimeType: mimeType.replace(';', '; '), seconds })
    })
  })
  return {
    stop: () => {
      if (recorder.state !== 'inactive') recorder.stop()
      return finished
    },
    cancel: () => {
      if (recorder.state !== 'inactive') recorder.stop()
      stream.getTracks().forEach(track => track.stop())
    },
  }
}

export async function startMicrophone(): Promise<{ stop: () => Promise<RecordedAudio>, cancel: () => void }> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true })
  return record(stream)
}

/** A little "olá" melody, about 2 seconds long. */
const NOTES: Array<[number, number]> = [[523.25, 0.25], [659.25, 0.25], [783.99, 0.3], [659.25, 0.2], [880, 0.5]]

export async function sampleVoiceNote(): Promise<RecordedAudio> {
  if (recorderType() === undefined || typeof AudioContext === 'undefined') return wavSample()
  const context = new AudioContext()
  await context.resume()
  const destination = context.createMediaStreamDestination()
  const oscillator = context.createOscillator()
  const gain = context.createGain()
  oscillator.type = 'triangle'
  oscillator.connect(gain).connect(destination)
  let at = context.currentTime + 0.05
  gain.gain.setValueAtTime(0, context.currentTime)
  for (const [frequency, length] of NOTES) {
    oscillator.frequency.setValueAtTime(frequency, at)
    gain.gain.setValueAtTime(0.0001, at)
    gain.gain.exponentialRampToValueAtTime(0.4, at + 0.03)
    gain.gain.exponentialRampToValueAtTime(0.0001, at + length)
    at += length + 0.05
  }
  const recording = record(destination.stream)
  oscillator.start()
  await new Promise(resolve => setTimeout(resolve, (at - context.currentTime) * 1000 + 150))
  oscillator.stop()
  const audio = await recording.stop()
  await context.close()
  return { ...audio, seconds: 2 }
}

/** The same melody as a 16-bit mono WAV, when MediaRecorder is not available. */
function wavSample(): RecordedAudio {
  const rate = 16_000
  const samples: number[] = []
  for (const [frequency, length] of NOTES) {
    const count = Math.floor(rate * length)
    for (let index = 0; index < count; index++) {
      const envelope = Math.min(1, index / 400, (count - index) / 800)
      samples.push(Math.sin((2 * Math.PI * frequency * index) / rate) * envelope * 0.4)
    }
  }
  const buffer = new ArrayBuffer(44 + samples.length * 2)
  const view = new DataView(buffer)
  const text = (offset: number, value: string) => [...value].forEach((char, index) => view.setUint8(offset + index, char.charCodeAt(0)))
  text(0, 'RIFF')
  view.setUint32(4, 36 + samples.length * 2, true)
  text(8, 'WAVEfmt ')
  view.setUint32(16, 16, true)
  view.setUint16(20, 1, true)
  view.setUint16(22, 1, true)
  view.setUint32(24, rate, true)
  view.setUint32(28, rate * 2, true)
  view.setUint16(32, 2, true)
  view.setUint16(34, 16, true)
  text(36, 'data')
  view.setUint32(40, samples.length * 2, true)
  samples.forEach((sample, index) => view.setInt16(44 + index * 2, sample * 0x7FFF, true))
  return { blob: new Blob([buffer], { type: 'audio/wav' }), mimeType: 'audio/wav', seconds: 2 }
}

export async function blobToBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer())
  let binary = ''
  for (let index = 0; index < bytes.length; index += 0x8000) binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000))
  return btoa(binary)
}
