/**
 * Loads every `supabase/functions/<name>/index.ts` into this one Deno process.
 *
 * On Supabase each function runs in its own edge-runtime worker and registers its handler with
 * `Deno.serve(...)` (or `export default { fetch }`) while its module loads. Here `Deno.serve` is replaced
 * by a recorder for the duration of each import, so functions keep that exact code and no function binds
 * a port of its own. A function that fails to load is kept as a boot error; the others still serve.
 */
// Deno and Web APIs only: `node:` imports would make `deno check` look for @types/node beside deno.json.

export type FunctionHandler = (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => Response | Promise<Response>
type ErrorHandler = (error: unknown) => Response | Promise<Response>

export type LoadedFunction
  = | { status: 'ready', handler: FunctionHandler, onError?: ErrorHandler }
    | { status: 'boot-error', error: unknown }

/** Function folders, as the Supabase CLI sees them: `_shared`-like folders and folders without index.ts are not functions. */
export async function discoverFunctions(functionsDir: URL): Promise<string[]> {
  const names: string[] = []
  for await (const entry of Deno.readDir(functionsDir)) {
    if (entry.isDirectory && !/^[_.]/.test(entry.name) && await isFile(entryPoint(functionsDir, entry.name))) names.push(entry.name)
  }
  return names.sort()
}

function entryPoint(functionsDir: URL, name: string): URL {
  return new URL(`${encodeURIComponent(name)}/index.ts`, functionsDir)
}

async function isFile(url: URL): Promise<boolean> {
  try {
    return (await Deno.stat(url)).isFile
  }
  catch {
    return false
  }
}

interface Registration { handler: FunctionHandler, onError?: ErrorHandler }

/** Accepts every `Deno.serve` overload: (handler), (options, handler) and ({ handler, ...options }). */
function registrationFrom(args: unknown[]): Registration {
  const [first, second] = args
  if (typeof first === 'function') return { handler: first as FunctionHandler }
  const options = (first ?? {}) as { handler?: unknown, onError?: unknown }
  const handler = typeof second === 'function' ? second : options.handler
  if (typeof handler !== 'function') throw new TypeError('Deno.serve() was called without a handler')
  const onError = typeof options.onError === 'function' ? options.onError as ErrorHandler : undefined
  return { handler: handler as FunctionHandler, onError }
}

/** What `Deno.serve` returns to the function: a server that is "listening" on the host's address. */
function placeholderServer(addr: Deno.NetAddr): Deno.HttpServer<Deno.NetAddr> {
  let markFinished = () => {}
  const finished = new Promise<void>((resolve) => {
    markFinished = resolve
  })
  const shutdown = () => {
    markFinished()
    return Promise.resolve()
  }
  return { addr, finished, ref() {}, unref() {}, shutdown, [Symbol.asyncDispose]: shutdown }
}

/**
 * Imports each function in turn (the recorder needs to know whose import is running, so one at a time)
 * and returns what each registered. Call once, before the host's own server starts.
 */
export async function loadFunctions(functionsDir: URL, names: string[], addr: Deno.NetAddr): Promise<Map<string, LoadedFunction>> {
  let loading: { name: string, registration?: Registration } | undefined
  const recordingServe = (...args: unknown[]) => {
    if (!loading) throw new Error('Deno.serve() can only be called while a function module loads')
    if (loading.registration) throw new Error(`function "${loading.name}" called Deno.serve() more than once`)
    loading.registration = registrationFrom(args)
    return placeholderServer(addr)
  }
  Object.defineProperty(Deno, 'serve', { value: recordingServe, configurable: true, writable: true })

  const loaded = new Map<string, LoadedFunction>()
  for (const name of names) {
    loading = { name }
    try {
      const module = await import(entryPoint(functionsDir, name).href) as { default?: { fetch?: unknown } }
      const registration = loading.registration ?? defaultExportRegistration(module)
      if (!registration) throw new Error('index.ts neither called Deno.serve() nor exported default { fetch }')
      loaded.set(name, { status: 'ready', ...registration })
    }
    catch (error) {
      console.error(`[${name}] failed to boot:`, error)
      loaded.set(name, { status: 'boot-error', error })
    }
  }
  loading = undefined
  return loaded
}

/** The declarative style of the newest Supabase templates: `export default { fetch(req) { ... } }`. */
function defaultExportRegistration(module: { default?: { fetch?: unknown } }): Registration | undefined {
  const target = module.default
  if (!target || typeof target.fetch !== 'function') return undefined
  const fetch = target.fetch as FunctionHandler
  return { handler: (request, info) => fetch.call(target, request, info) }
}
