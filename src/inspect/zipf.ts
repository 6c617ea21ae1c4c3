import { writeFileAtomic } from '../disk/write.js';
import { WordmillError } from '../errors.js';

const W = 640;
const H = 440;
const M = { left: 72, right: 24, top: 36, bottom: 56 };

/**
 * Zipf plot as d2l draws it (`xlabel='token: x'`, `ylabel='frequency: n(x)'`, both axes log): the
 * frequency of each token against its rank. A vocabulary has up to ~10^5 ranks, so the line keeps
 * ~400 log-spaced ranks — the same picture at 1/100 of the file size. Written via temp file + rename.
 */
export async function writeZipfSvg(counts: ArrayLike<number>, path: string, options: { title?: string } = {}): Promise<void> {
  const freq = Array.from(counts).filter((c) => c > 0).sort((a, b) => b - a);
  if (freq.length === 0) throw new WordmillError('WM_ERR_STORE', 'no token counts to plot (a vocabulary loaded without counts?)', { path });
  const maxRank = freq.length;
  const xMax = Math.max(1, Math.ceil(Math.log10(maxRank)));
  const yMax = Math.max(1, Math.ceil(Math.log10(freq[0])));
  const px = (rank: number) => M.left + (Math.log10(rank) / xMax) * (W - M.left - M.right);
  const py = (f: number) => H - M.bottom - (Math.log10(f) / yMax) * (H - M.top - M.bottom);
  const points: string[] = [];
  let last = 0;
  for (let k = 0; k <= 400; k++) {
    const rank = Math.min(maxRank, Math.max(1, Math.round(10 ** ((k / 400) * Math.log10(maxRank)))));
    if (rank === last) continue;
    last = rank;
    points.push(`${px(rank).toFixed(1)},${py(freq[rank - 1]).toFixed(1)}`);
  }
  const ticks: string[] = [];
  for (let e = 0; e <= xMax; e++) {
    const x = px(10 ** e);
    ticks.push(`<line x1="${x}" y1="${M.top}" x2="${x}" y2="${H - M.bottom}" class="grid"/>`,
      `<text x="${x}" y="${H - M.bottom + 18}" text-anchor="middle">10<tspan dy="-6" font-size="9">${e}</tspan></text>`);
  }
  for (let e = 0; e <= yMax; e++) {
    const y = py(10 ** e);
    ticks.push(`<line x1="${M.left}" y1="${y}" x2="${W - M.right}" y2="${y}" class="grid"/>`,
      `<text x="${M.left - 8}" y="${y + 4}" text-anchor="end">10<tspan dy="-6" font-size="9">${e}</tspan></text>`);
  }
  const title = escape(options.title ?? `Zipf: ${maxRank} token types`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">
<style>.grid{stroke:#ddd;stroke-width:1}.axis{stroke:#333;fill:none}</style>
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>
${ticks.join('\n')}
<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" class="axis"/>
<polyline points="${points.join(' ')}" fill="none" stroke="#1f77b4" stroke-width="2"/>
<text x="${(M.left + W - M.right) / 2}" y="${H - 14}" text-anchor="middle">token: x</text>
<text x="18" y="${(M.top + H - M.bottom) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(M.top + H - M.bottom) / 2})">frequency: n(x)</text>
</svg>
`;
  await writeFileAtomic(path, svg, 'cannot write the plot');
}

const escape = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
