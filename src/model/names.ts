/**
 * Names from a file (tensor names, site names, metadata keys) in messages and checks. They are
 * user-controlled, so each is bounded in length when read and shortened when echoed, and lists of
 * them are cut to a few entries: an error message must stay one readable line.
 */
import { preview } from '../errors.js';
import { MAX_NAME_LENGTH } from './limits.js';

/** A name quoted for a message, shortened to its first 80 characters when longer. */
export function quoteName(name: string): string {
  return `'${preview(name)}'`;
}

/** Names listed for a message: the first `shown` quoted, then how many more there are. */
export function quoteNames(names: Iterable<string>, shown = 8): string {
  return listNames(names, shown, quoteName);
}

/** Names listed as they are (shortened, unquoted), e.g. JSON field names: 'dropuot, foo and 3 more'. */
export function listNames(names: Iterable<string>, shown = 8, show: (name: string) => string = (n) => preview(n)): string {
  const all = [...names];
  const listed = all.slice(0, shown).map(show).join(', ');
  return all.length > shown ? `${listed} and ${all.length - shown} more` : listed;
}

/**
 * Calls `fail` (which throws, with the caller's prefix) when `name` is longer than MAX_NAME_LENGTH;
 * `what` says what it names ('tensor name', 'site').
 */
export function checkNameLength(name: string, what: string, fail: (message: string) => never): void {
  if (name.length > MAX_NAME_LENGTH) {
    fail(`${what} ${quoteName(name)} is ${name.length} characters long; names are limited to ${MAX_NAME_LENGTH} characters (MAX_NAME_LENGTH)`);
  }
}
