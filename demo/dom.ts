/** Looking up a page's elements by id, once at start: a missing one fails loudly. */
export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo: #${id} is missing from the page`);
  return el as T;
}
