/**
 * Object bytes on disk: `<dataDir>/storage/<bucket>/<object name>`. Uploads are staged in a separate
 * folder and renamed into place, so a reader never sees a half-written file and a failed upload
 * leaves the previous version intact.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, type ReadStream } from 'node:fs'
import { mkdir, rename, rm, stat, writeFile, copyFile } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { ERRORS } from './errors.ts'

export interface StagedFile {
  path: string
  size: number
  eTag: string
}

export class ObjectFiles {
  private readonly root: string
  private readonly staging: string

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'storage')
    this.staging = resolve(dataDir, '.storage-staging')
  }

  /** Absolute path of an object; refuses anything that would leave its bucket folder. */
  locate(bucketId: string, name: string): string {
    const bucketDir = this.bucketDir(bucketId)
    const file = resolve(bucketDir, name)
    const inside = relative(bucketDir, file)
    if (!inside || inside.startsWith('..') || inside.split(sep).some(part => part === '..')) throw ERRORS.InvalidKey(name)
    return file
  }

  bucketDir(bucketId: string): string {
    const dir = resolve(this.root, bucketId)
    if (dirname(dir) !== this.root) throw ERRORS.InvalidBucketName()
    return dir
  }

  /** Writes the bytes to the staging folder; `commit` moves them into place. */
  async stage(bytes: Uint8Array): Promise<StagedFile> {
    await mkdir(this.staging, { recursive: true })
    const path = join(this.staging, randomUUID())
    await writeFile(path, bytes)
    return { path, size: bytes.byteLength, eTag: `"${createHash('md5').update(bytes).digest('hex')}"` }
  }

  async commit(staged: StagedFile, bucketId: string, name: string): Promise<void> {
    const target = this.locate(bucketId, name)
    await mkdir(dirname(target), { recursive: true })
    await rename(staged.path, target)
  }

  async discard(staged: StagedFile): Promise<void> {
    await rm(staged.path, { force: true })
  }

  /** Size of the stored file, or undefined when it is missing. */
  async size(bucketId: string, name: string): Promise<number | undefined> {
    try {
      return (await stat(this.locate(bucketId, name))).size
    }
    catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }

  read(bucketId: string, name: string, range?: { start: number, end: number }): ReadStream {
    return createReadStream(this.locate(bucketId, name), range)
  }

  async copy(from: { bucketId: string, name: string }, to: { bucketId: string, name: string }): Promise<void> {
    const target = this.locate(to.bucketId, to.name)
    await mkdir(dirname(target), { recursive: true })
    const staged = join(this.staging, randomUUID())
    await mkdir(this.staging, { recursive: true })
    await copyFile(this.locate(from.bucketId, from.name), staged)
    await rename(staged, target)
  }

  async move(from: { bucketId: string, name: string }, to: { bucketId: string, name: string }): Promise<void> {
    const target = this.locate(to.bucketId, to.name)
    await mkdir(dirname(target), { recursive: true })
    await rename(this.locate(from.bucketId, from.name), target)
  }

  async remove(bucketId: string, name: string): Promise<void> {
    await rm(this.locate(bucketId, name), { force: true })
  }

  async removeBucket(bucketId: string): Promise<void> {
    await rm(this.bucketDir(bucketId), { recursive: true, force: true })
  }
}
