import { PieceTrie } from '../trie.js';
import { addBestPath, buildLattice, marginals, Scratch, type Scoring, type WordLattice } from './lattice.js';
import { secondBest } from './nbest.js';
import type { ChunkExpected, PruneReply, ShardInit } from './protocol.js';

const UNK_PENALTY = 10;

/** The trainer's live pieces: seed id and score of each, as the main thread sends them every step. */
export interface LivePieces { seeds: Int32Array; scores: Float32Array }

/**
 * One thread's share of the unigram trainer's work: the lattices of its chunks of words and of its
 * share of the seed pieces' own texts, built once where they are used (a worker's lattices never
 * cross threads), then scored against the live pieces each E-step and pruning step.
 */
export class Shard {
  private readonly chunks: Array<{ index: number; lattices: WordLattice[]; counts: Float64Array }>;
  /** Seed ids this shard prunes for, and their texts' lattices. */
  private readonly own: Int32Array;
  private readonly ownLattices: WordLattice[];
  private readonly pieceOf: Int32Array;
  private readonly x = new Scratch();

  constructor(init: ShardInit) {
    const seedIds = new Map<string, number>();
    init.seeds.forEach((s, i) => seedIds.set(s, i));
    const trie = new PieceTrie(seedIds);
    this.chunks = init.chunks.map((c) => ({ index: c.index, counts: c.counts, lattices: c.words.map((w) => buildLattice(w, trie, init.maxLength)) }));
    const own: number[] = [];
    for (let s = init.pieceRem; s < init.seeds.length; s += init.pieceMod) own.push(s);
    this.own = Int32Array.from(own);
    this.ownLattices = own.map((s) => buildLattice(init.seeds[s], trie, init.maxLength));
    this.pieceOf = new Int32Array(init.seeds.length);
  }

  private scoring(live: LivePieces): Scoring {
    this.pieceOf.fill(-1);
    let min = Infinity;
    for (let i = 0; i < live.seeds.length; i++) {
      this.pieceOf[live.seeds[i]] = i;
      if (live.scores[i] < min) min = live.scores[i];
    }
    return { pieceOf: this.pieceOf, scores: live.scores, unkScore: Math.fround(min - UNK_PENALTY) };
  }

  /**
   * Expected counts of each chunk, sparse (pieces it touched), with its share of the objective: the
   * main thread adds chunks in chunk order, so the sums do not depend on how many threads ran them.
   */
  expected(live: LivePieces): ChunkExpected[] {
    const sc = this.scoring(live);
    const acc = new Float64Array(live.seeds.length);
    return this.chunks.map((c) => {
      acc.fill(0);
      let objective = 0;
      for (let w = 0; w < c.lattices.length; w++) objective += marginals(c.lattices[w], sc, c.counts[w], acc, this.x);
      let nz = 0;
      for (let i = 0; i < acc.length; i++) if (acc[i] !== 0) nz++;
      const ids = new Int32Array(nz);
      const values = new Float64Array(nz);
      for (let i = 0, j = 0; i < acc.length; i++) if (acc[i] !== 0) { ids[j] = i; values[j++] = acc[i]; }
      return { index: c.index, ids, values, objective };
    });
  }

  /**
   * For pruning: each live piece's count on the best paths of this shard's words (integer sums,
   * exact in any order), and for the live pieces among this shard's seeds what their own text's
   * second-best segmentation is (records `[piece, status, alternatives...]`, see secondBest).
   */
  prune(live: LivePieces): PruneReply {
    const sc = this.scoring(live);
    const freq = new Float64Array(live.seeds.length);
    for (const c of this.chunks) for (let w = 0; w < c.lattices.length; w++) addBestPath(c.lattices[w], sc, c.counts[w], freq, this.x);
    const records: number[] = [];
    const alt: number[] = [];
    for (let o = 0; o < this.own.length; o++) {
      const i = this.pieceOf[this.own[o]];
      if (i < 0) continue;
      alt.length = 0;
      const status = secondBest(this.ownLattices[o], sc, this.x, alt);
      records.push(i, status, ...alt);
    }
    return { freq, records: Int32Array.from(records) };
  }
}
