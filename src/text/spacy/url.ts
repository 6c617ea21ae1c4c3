import { PY_SPACE, PY_WORD } from '../pychars.js';
import { ALPHA_LOWER } from './char-classes.js';

/*
 * spaCy 3.5's URL_MATCH (`lang/tokenizer_exceptions.py`, after Diego Perini's URL regex), translated to JS
 * with Python's Unicode meanings of `\w`, `\d` and `\S`.
 */
const S = `[^${PY_SPACE}]`;
const D = '\\p{Nd}';
const HOST = '[A-Za-z0-9\\u00a1-\\uffff]';
const body = (auth: string): string => '^'
  + `(?:(?:[${PY_WORD}+\\-.]{2,})://)?`
  + auth
  + '(?:'
  + `(?!(?:10|127)(?:\\.${D}{1,3}){3})`
  + `(?!(?:169\\.254|192\\.168)(?:\\.${D}{1,3}){2})`
  + `(?!172\\.(?:1[6-9]|2${D}|3[0-1])(?:\\.${D}{1,3}){2})`
  + `(?:[1-9]${D}?|1${D}${D}|2[01]${D}|22[0-3])`
  + `(?:\\.(?:1?${D}{1,2}|2[0-4]${D}|25[0-5])){2}`
  + `(?:\\.(?:[1-9]${D}?|1${D}${D}|2[0-4]${D}|25[0-4]))`
  + '|'
  + `(?:(?:${HOST}[A-Za-z0-9\\u00a1-\\uffff_-]{0,62})?${HOST}\\.)+`
  + `(?:[${ALPHA_LOWER.source}]{2,63})`
  + ')'
  + `(?::${D}{2,5})?`
  + `(?:[/?#]${S}*)?`
  + '$';

const URL_WITH_AUTH = new RegExp(body(`(?:${S}+(?::${S}*)?@)?`), 'u');
// Without an '@' the optional `user:pass@` group can never match; leaving it out avoids its backtracking.
const URL_NO_AUTH = new RegExp(body(''), 'u');

/** spaCy's `url_match`: does the whole (affix-stripped) string look like a URL or e-mail address? */
export function urlMatch(s: string): boolean {
  if (s.indexOf('.') < 0) return false; // every alternative needs a dot (host or dotted IP)
  return s.indexOf('@') < 0 ? URL_NO_AUTH.test(s) : URL_WITH_AUTH.test(s);
}
