/**
 * Reading a whole file from disk without trusting its path (Node only: import this module
 * dynamically from code that also runs in a browser, so bundles never need node:fs).
 *
 * fs.readFile reads until end of file, so a path to /dev/zero reads forever (5.7 GB after 30 s), a
 * FIFO blocks until someone writes to it, and a huge file is read whole before anyone looks at it.
 * readFileBounded opens without blocking, checks with fstat that the path is a regular file no
 * larger than the caller's cap, reads exactly its size, and refuses a file that changes size while
 * it is read; it never reads more than the cap plus one byte.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { InvalidInputError, preview } from '../errors.js';
import type { UrlLike } from '../platform-types.js';

export interface BoundedReadOptions {
  /** What the file is, for messages: 'model file', 'x file'. */
  readonly what: string;
  /** Largest size accepted, in bytes. */
  readonly maxBytes: number;
  /** The constant that sets maxBytes, named in the message so a reader can find the reason. */
  readonly capName: string;
}

/**
 * O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer (the fstat after
 * it then refuses the FIFO); on regular files it changes nothing. Windows has no such flag. A
 * function, not a constant: a bundler that inlines this module into browser code must not touch
 * node:fs when the module is merely evaluated.
 */
const openFlags = (): number => constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Bytes read per call: one read() of more than 2 GiB fails on Linux. */
const READ_CHUNK_BYTES = 2 ** 30;

/** A file-system error in a few words ('no such file' rather than ENOENT's full message). */
export function describeFsError(cause: unknown): string {
  const code = (cause as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return cause instanceof Error ? cause.message : String(cause);
}

/** Why a path that is not a regular file cannot be read as one, in words. */
function describeNonRegular(stats: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isSocket(): boolean }): string {
  if (stats.isDirectory()) return 'it is a directory';
  const kind = stats.isFIFO() ? 'a FIFO (named pipe)' : stats.isCharacterDevice() ? 'a character device (such as /dev/zero)' : stats.isSocket() ? 'a socket' : 'not a regular file';
  return `it is ${kind}, not a regular file, so its size cannot be known before reading it`;
}

/**
 * The bytes of the regular file at `path`, refusing (InvalidInputError naming the file) anything
 * that is missing, unreadable, not a regular file, larger than `maxBytes` or changing size.
 */
export async function readFileBounded(path: string | UrlLike, options: BoundedReadOptions): Promise<Uint8Array> {
  const shown = preview(path instanceof URL ? path.href : path, 200);
  const refuse = (reason: string, cause?: unknown): never => {
    throw new InvalidInputError(`cannot read ${options.what} '${shown}': ${reason}`, cause === undefined ? undefined : { cause });
  };
  let handle: FileHandle;
  try {
    handle = await open(path, openFlags());
  } catch (cause) {
    return refuse(describeFsError(cause), cause);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return refuse(describeNonRegular(stats));
    if (stats.size > options.maxBytes) {
      return refuse(`it is ${stats.size} bytes, more than the limit of ${options.maxBytes} bytes (${options.capName})`);
    }
    return await readExactly(handle, stats.size, refuse);
  } catch (cause) {
    if (cause instanceof InvalidInputError) throw cause;
    return refuse(describeFsError(cause), cause);
  } finally {
    await handle.close();
  }
}

/** Reads `size` bytes from the start, then checks that the file ends there. */
async function readExactly(handle: FileHandle, size: number, refuse: (reason: string) => never): Promise<Uint8Array> {
  const bytes = new Uint8Array(size);
  let offset = 0;
  while (offset < size) {
    const { bytesRead } = await handle.read(bytes, offset, Math.min(size - offset, READ_CHUNK_BYTES), offset);
    if (bytesRead === 0) refuse(`it shrank from ${size} to ${offset} bytes while it was read`);
    offset += bytesRead;
  }
  const { bytesRead: beyond } = await handle.read(new Uint8Array(1), 0, 1, size);
  if (beyond > 0) refuse(`it grew beyond its ${size} bytes while it was read`);
  return bytes;
}
