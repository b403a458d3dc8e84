/** Looking up a page's elements by id, once at start: a missing one fails loudly. */
export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo: #${id} is missing from the page`);
  return el as T;
}

/** URL parameters override form inputs by name (`?samples=50&seed=3`), each left as is when absent. */
export function applyUrlInputs(params: URLSearchParams, inputs: readonly (readonly [string, HTMLInputElement | HTMLSelectElement])[]): void {
  for (const [name, input] of inputs) {
    const v = params.get(name);
    if (v !== null) input.value = v;
  }
}

/** One button per built-in model (disabled until a GPU is ready), each loading its model by id. */
export function appendModelButtons(container: HTMLElement, entries: readonly { readonly id: string; readonly label: string }[], load: (id: string) => Promise<unknown>): void {
  for (const entry of entries) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = entry.label;
    button.dataset['model'] = entry.id;
    button.disabled = true;
    button.addEventListener('click', () => void load(entry.id).catch(() => undefined));
    container.append(button);
  }
}
