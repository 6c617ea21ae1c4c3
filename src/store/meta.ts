import type { DType } from './format.js';

export interface SplitMeta {
  docs: number;
  tokens: number;
  /** True when `<split>.labels.bin` exists. */
  labeled: boolean;
}

export interface FileMeta {
  size: number;
  sha256: string;
}

/** `meta.json`: everything needed to trust (or reject) the files beside it. */
export interface StoreMeta {
  magic: 'wordmill-store';
  formatVersion: number;
  fingerprint: string;
  /** What the fingerprint was computed from (source digests, options, algorithm versions). */
  inputs: unknown;
  created: string;
  idWidth: 16 | 32;
  tokenDType: DType;
  vocabSize: number;
  splits: Record<string, SplitMeta>;
  /** Label names; a label id in `<split>.labels.bin` indexes this list. */
  labels?: string[];
  /** Size and sha256 of every other file of the store, by file name. */
  files: Record<string, FileMeta>;
  /** Free-form facts from the caller (pipeline name, timings). Not part of the fingerprint. */
  extra?: Record<string, unknown>;
}
