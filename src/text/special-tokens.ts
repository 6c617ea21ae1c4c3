/** fastai's special tokens, in fastai's order (`defaults.text_spec_tok`): ids 0–8 of every fastai vocabulary. */
export const UNK = 'xxunk';
export const PAD = 'xxpad';
export const BOS = 'xxbos';
export const EOS = 'xxeos';
export const FLD = 'xxfld';
export const TK_REP = 'xxrep';
export const TK_WREP = 'xxwrep';
export const TK_UP = 'xxup';
export const TK_MAJ = 'xxmaj';

export const SPECIAL_TOKENS: readonly string[] = Object.freeze([UNK, PAD, BOS, EOS, FLD, TK_REP, TK_WREP, TK_UP, TK_MAJ]);
