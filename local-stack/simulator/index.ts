/**
 * The WhatsApp simulator of the local stack: a fake Evolution API 2.3.x, a fake Meta Graph (Cloud) API,
 * a control API and the customer phone page, on one port. See README.md.
 */
import type { AddressInfo } from 'node:net'
import { SIMULATOR_EVOLUTION_API_KEY } from '../config.ts'
import type { CloudNumber } from './cloud/numbers.ts'
import type { ResolvedOptions, SimulatorOptions } from './context.ts'
import { ControlApi } from './control-api.ts'
import type { ExistingInstance } from './evolution/instances.ts'
import { buildPage } from './page.ts'
import { createSimulatorServer } from './server.ts'
import { Simulator } from './simulator.ts'

export type { SimulatorOptions } from './context.ts'

export interface RunningSimulator {
  /** `http://127.0.0.1:<port>`: the page; Evolution at `/evolution`, Graph at `/graph`, control at `/api`. */
  url: string
  port: number
  simulator: Simulator
  /** An instance that exists already (the stack re-registering a channel): no webhooks are sent. */
  registerEvolutionInstance: (instance: ExistingInstance) => void
  /** A Cloud number whose callback Meta already verified (no handshake). */
  registerCloudNumber: (number: Omit<CloudNumber, 'webhookVerified'>) => Promise<void>
  stop: () => Promise<void>
}

function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    evolutionApiKey: options.evolutionApiKey ?? SIMULATOR_EVOLUTION_API_KEY,
    qrIntervalMs: options.qrIntervalMs ?? 45_000,
    qrLimit: options.qrLimit ?? 30,
    statusDelayMs: options.statusDelayMs ?? 400,
    sendTimeoutHoldMs: options.sendTimeoutHoldMs ?? 60_000,
    webhookRetry: { attempts: 5, initialDelayMs: 500, maxDelayMs: 10_000, timeoutMs: 10_000, reorderWindowMs: 2000, ...options.webhookRetry },
    log: options.log ?? (line => process.stderr.write(`${line}\n`)),
  }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const resolved = resolveOptions(options)
  let url = ''
  const simulator = new Simulator(resolved, () => url)
  const control = new ControlApi(simulator)
  const server = createSimulatorServer(simulator, control, await buildPage())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(resolved.port, resolved.host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  url = `http://${resolved.host}:${port}`
  return {
    url,
    port,
    simulator,
    registerEvolutionInstance: instance => void simulator.instances.register(instance),
    registerCloudNumber: async (number) => {
      await simulator.numbers.register({ ...number, skipVerification: true })
    },
    stop: async () => {
      simulator.stop()
      control.closeStreams()
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
  }
}
