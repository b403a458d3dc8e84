/** Text output of the CLI: numbers for people, numbers for JSON, and aligned tables. */

/** A number for a table: 4 decimals in a readable range, otherwise 4 significant digits in exponent form. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const a = Math.abs(v);
  if (a === 0) return '0.0000';
  if (a >= 1e-3 && a < 1e6) return v.toFixed(4);
  return v.toExponential(3);
}

/** The shortest decimal that reads back as the same float32 (so JSON carries no float64 noise). */
export function float32Number(v: number): number {
  if (!Number.isFinite(v)) return v;
  const f = Math.fround(v);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

/** A float32 array as plain numbers for JSON. */
export function float32List(values: ArrayLike<number>): number[] {
  return Array.from(values, float32Number);
}

/** Rate with an SI suffix: 1.23e6 -> '1.23 M'. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return String(perSecond);
  const units: readonly [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, suffix] of units) {
    if (perSecond >= scale) return `${(perSecond / scale).toPrecision(3)} ${suffix}`;
  }
  return perSecond.toPrecision(3);
}

export function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`;
}

export interface Column {
  readonly title: string;
  /** Right-aligned (numbers) unless 'left'. */
  readonly align?: 'left' | 'right';
}

/** An aligned text table: titles, a rule, then the rows; columns separated by two spaces. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const w = widths[i] ?? 0;
        return c.align === 'left' ? cell.padEnd(w) : cell.padStart(w);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(columns.map((c) => c.title)), rule, ...rows.map(line)].join('\n') + '\n';
}

/** Key/value lines, keys padded to one width. */
export function renderFields(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v}`).join('\n') + '\n';
}
