import { TK_REP, TK_WREP } from '../special-tokens.js';
import { PY_SPACE, PY_WORD, pySplit } from '../pychars.js';

/** fastai `_re_rep` = `(\S)(\1{2,})`, with Python's Unicode `\S`. */
const RE_REP = new RegExp(`([^${PY_SPACE}])(\\1{2,})`, 'gu');

/** fastai `replace_rep`: a non-space character repeated 3+ times → ` xxrep N c ` (`!!!!` → ` xxrep 4 ! `). */
export function replaceRep(text: string): string {
  // N counts code points, as Python's len() does, so an astral character counts once.
  return text.replace(RE_REP, (_m, c: string, cc: string) => ` ${TK_REP} ${cc.length / c.length + 1} ${c} `);
}

/** fastai `_re_wrep` = `(?:\s|^)(\w+)\s+((?:\1\s+)+)\1(\s|\W|$)`, with Python's Unicode `\s`/`\w`/`\W`. */
const RE_WREP = new RegExp(
  `(?:[${PY_SPACE}]|^)([${PY_WORD}]+)[${PY_SPACE}]+((?:\\1[${PY_SPACE}]+)+)\\1([${PY_SPACE}]|[^${PY_WORD}]|$)`, 'gu');

/** fastai `replace_wrep`: a word repeated 3+ times, space separated, case-sensitive → ` xxwrep N word `. */
export function replaceWrep(text: string): string {
  return text.replace(RE_WREP, (_m, c: string, cc: string, e: string) => ` ${TK_WREP} ${pySplit(cc).length + 2} ${c} ${e}`);
}
