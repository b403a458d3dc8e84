/**
 * The one preprocessing step of the WGSL under shaders/: lines `#if NAME`, `#if !NAME`,
 * `#elif NAME`, `#else` and `#endif` keep or drop the lines between them by boolean defines a
 * program passes (nesting allowed), and a line `#insert NAME` takes generated statements (only
 * unrolled register blocks, which WGSL cannot write as a loop without private arrays, slow on
 * CPU adapters). Everything that is a value (sizes, offsets, constants) is a WGSL `const` the
 * program declares instead, so the files stay plain WGSL around these lines.
 *
 * (The project once listed npm `wgsl-preprocessor`, which does the same for tagged template
 * literals; WGSL kept in .wgsl files has no template literal to tag, so this reads directives.)
 */
export type Defines = Readonly<Record<string, boolean>>;
export type Inserts = Readonly<Record<string, string>>;

const DIRECTIVE = /^\s*#(if|elif|else|endif|insert)\b\s*(!?)\s*([A-Za-z_][A-Za-z0-9_]*)?\s*$/;

interface Frame {
  /** Whether the enclosing frames keep their lines. */
  readonly parentActive: boolean;
  /** Whether some branch of this #if was already taken. */
  taken: boolean;
  active: boolean;
}

export function preprocess(source: string, defines: Defines, file = 'wgsl', inserts: Inserts = {}): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const value = (negate: string, name: string | undefined, line: number): boolean => {
    if (name === undefined) throw new Error(`internal: ${file}:${line}: a directive needs a name`);
    if (!(name in defines)) throw new Error(`internal: ${file}:${line}: '${name}' is not defined (defines: ${Object.keys(defines).join(', ')})`);
    return negate === '!' ? !defines[name] : defines[name] === true;
  };
  source.split('\n').forEach((text, index) => {
    const line = index + 1;
    const match = DIRECTIVE.exec(text);
    const current = stack[stack.length - 1];
    const active = current ? current.active : true;
    if (!match) {
      if (text.trimStart().startsWith('#')) throw new Error(`internal: ${file}:${line}: unknown directive '${text.trim()}'`);
      if (active) out.push(text);
      return;
    }
    const [, kind, negate = '', name] = match;
    if (kind === 'insert') {
      if (name === undefined || !(name in inserts)) throw new Error(`internal: ${file}:${line}: nothing to insert at '${name ?? ''}'`);
      if (active) out.push(inserts[name] as string);
      return;
    }
    if (kind === 'if') {
      const v = value(negate, name, line);
      stack.push({ parentActive: active, taken: v, active: active && v });
    } else if (kind === 'elif') {
      if (!current) throw new Error(`internal: ${file}:${line}: #elif without #if`);
      const v = !current.taken && value(negate, name, line);
      current.active = current.parentActive && v;
      current.taken ||= v;
    } else if (kind === 'else') {
      if (!current) throw new Error(`internal: ${file}:${line}: #else without #if`);
      current.active = current.parentActive && !current.taken;
      current.taken = true;
    } else {
      if (!stack.pop()) throw new Error(`internal: ${file}:${line}: #endif without #if`);
    }
  });
  if (stack.length > 0) throw new Error(`internal: ${file}: ${stack.length} #if without #endif`);
  return out.join('\n');
}
