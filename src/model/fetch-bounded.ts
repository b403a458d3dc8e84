/**
 * Fetching a file without trusting the server: response.arrayBuffer() buffers whatever arrives, so
 * an endless or enormous body would exhaust memory before the parser could refuse it. The body is
 * read as a stream instead and abandoned as soon as it passes the cap; a Content-Length above the
 * cap is refused before any of the body is read.
 */
import { InvalidInputError } from '../errors.js';
import type { UrlLike } from '../platform-types.js';

/**
 * The body of a successful GET of `url`, at most `maxBytes` bytes. Throws InvalidInputError for an
 * HTTP error status and for a body over the cap (`capName` names the constant in the message);
 * network failures propagate as fetch raises them.
 */
export async function fetchBounded(url: UrlLike, maxBytes: number, capName: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new InvalidInputError(`HTTP ${response.status} ${response.statusText}`.trimEnd());
  const tooLarge = (size: string): InvalidInputError => new InvalidInputError(`the response is ${size} bytes, more than the limit of ${maxBytes} bytes (${capName})`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(String(declared));
  }
  if (response.body === null) return new Uint8Array(0);
  return readStreamBounded(response.body, maxBytes, () => tooLarge(`over ${maxBytes}`));
}

/** Concatenates a byte stream's chunks, cancelling it and throwing `tooLarge()` past `maxBytes`. */
export async function readStreamBounded(stream: ReadableStream<Uint8Array>, maxBytes: number, tooLarge: () => Error): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
