/**
 * spaCy 3.5's language-independent tokenizer exceptions (`lang/tokenizer_exceptions.py` BASE_EXCEPTIONS),
 * as special-case string → token texts. Only ORTH matters to tokenization; NORMs are left out.
 */
const SINGLES = [
  ' ', '\t', '\\t', '\n', '\\n', '\u2014', '\u00a0',
  "'", '\\")', '<space>', "''", 'C++',
  ...'abcdefghijklmnopqrstuvwxyzäöü'.split('').map((c) => `${c}.`),
];

/** spaCy's emoticon list (whitespace separated, as in its source). */
const EMOTICONS = String.raw`
:) :-) :)) :-)) :))) :-))) (: (-: =) (= :] :-] [: [-: [= =] :o) (o: :} :-} 8) 8-) (-8 ;) ;-) (; (-;
:( :-( :(( :-(( :((( :-((( ): )-: =( >:( :') :'-) :'( :'-( :/ :-/ =/ =| :| :-| ]= =[ :1 :P :-P :p :-p
:O :-O :o :-o :0 :-0 :() >:o :* :-* :3 :-3 =3 :> :-> :X :-X :x :-x :D :-D ;D ;-D =D xD XD xDD XDD 8D 8-D
^_^ ^__^ ^___^ >.< >.> <.< ._. ;_; -_- -__- v.v V.V v_v V_V o_o o_O O_o O_O 0_o o_0 0_0 o.O O.o O.O o.o
0.0 o.0 0.o @_@ <3 <33 <333 </3 (^_^) (-_-) (._.) (>_<) (*_*) (¬_¬) ಠ_ಠ ಠ︵ಠ (ಠ_ಠ) ¯\(ツ)/¯ (╯°□°）╯︵┻━┻ ><(((*>
`.split(/\s+/).filter(Boolean);

export function baseExceptions(): Map<string, string[]> {
  const exc = new Map<string, string[]>();
  for (const s of SINGLES) exc.set(s, [s]);
  for (const s of EMOTICONS) exc.set(s, [s]);
  // Moved out of the suffix rules in spaCy 3.2 once suffix lookbehinds stopped seeing the prefix.
  for (const u of 'cfkCFK') exc.set(`°${u}.`, ['°', u, '.']);
  return exc;
}
