import type { InspectReport } from './report.js';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const num = (x: number) => x.toLocaleString('en-US');

/** The report as readable text for a terminal. */
export function formatReport(r: InspectReport): string {
  const lines = [
    `store       ${r.store}`,
    `fingerprint ${r.fingerprint}`,
    `vocabulary  ${num(r.vocabSize)} entries (uint${r.idWidth} ids), ${num(r.seenTypes)} seen in the corpus`,
    '',
    'split        docs        tokens   unk rate   length min / median / mean / max',
  ];
  for (const [name, s] of Object.entries(r.splits)) {
    const l = s.length;
    lines.push(`${name.padEnd(8)} ${num(s.docs).padStart(8)} ${num(s.tokens).padStart(13)} ${pct(s.unkRate).padStart(10)}   ${l.min} / ${l.median} / ${l.mean.toFixed(1)} / ${l.max}`);
  }
  for (const [name, s] of Object.entries(r.splits)) {
    lines.push('', `${name}: document length histogram`);
    const most = Math.max(1, ...s.histogram.map((h) => h.docs));
    for (const h of s.histogram) {
      if (h.docs === 0) continue;
      lines.push(`  [${String(h.from).padStart(7)}, ${String(h.to).padStart(7)})  ${num(h.docs).padStart(9)}  ${'#'.repeat(Math.ceil((40 * h.docs) / most))}`);
    }
    if (s.labels) lines.push(`  labels: ${Object.entries(s.labels).map(([k, v]) => `${k} ${num(v)}`).join(', ')}`);
  }
  lines.push('', `top ${r.top.length} tokens`);
  for (const t of r.top) lines.push(`  ${JSON.stringify(t.token).padEnd(18)} ${num(t.count).padStart(12)}`);
  return lines.join('\n');
}
