/**
 * How the pages show an error: `name: message`. The library's errors carry literal names
 * ('InvalidInputError', 'ModelFormatError', ...) that survive minification, so a user sees which
 * kind of mistake it was; a cancelled run is an 'AbortError' DOMException.
 */

/** `err.name: message` for errors (DOMExceptions too), the value as text otherwise. */
export function describeError(error: unknown): string {
  if (error instanceof Error || error instanceof DOMException) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Whether the error is the rejection of a cancelled run (AbortController.abort() with no reason). */
export function isAbort(error: unknown): boolean {
  return (error instanceof DOMException || error instanceof Error) && error.name === 'AbortError';
}
