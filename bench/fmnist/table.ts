/** The benchmark's markdown table: each method's webgpu-bnn row beside its PyTorch row. */
import type { MethodResult } from './library-side.js';
import type { FmnistMethod } from './settings.js';

export interface SideResults {
  readonly side: string;
  readonly methods: Partial<Record<FmnistMethod, MethodResult>>;
}

const HEADER = [
  'method',
  'side',
  'accuracy',
  'NLL',
  'Brier',
  'ECE',
  'AUROC H (classes 5-9)',
  'AUROC MI (classes 5-9)',
  'AUROC H (noise)',
  'AUROC MI (noise)',
  'train s',
  'predict s',
];

function row(method: string, side: string, r: MethodResult): string {
  const f = (v: number, digits = 4) => v.toFixed(digits);
  const cells = [
    method,
    side,
    f(r.accuracy),
    f(r.nll),
    f(r.brier),
    f(r.ece),
    f(r.auroc.entropy.ood, 3),
    f(r.auroc.mutualInformation.ood, 3),
    f(r.auroc.entropy.noise, 3),
    f(r.auroc.mutualInformation.noise, 3),
    f(r.trainSeconds, 1),
    f(r.predictSeconds, 1),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** One markdown table; a side without a method's result leaves its row out. */
export function resultsTable(methods: readonly FmnistMethod[], sides: readonly SideResults[]): string {
  const lines = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`];
  for (const m of methods) {
    for (const s of sides) {
      const r = s.methods[m];
      if (r) lines.push(row(m, s.side, r));
    }
  }
  return `${lines.join('\n')}\n`;
}
