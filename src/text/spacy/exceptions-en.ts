import { baseExceptions } from './exceptions-base.js';

/**
 * spaCy 3.5's English tokenizer exceptions (`lang/en/tokenizer_exceptions.py`), generated the way spaCy
 * generates them: contractions for pronouns, wh-words and verbs in lower and Title case, with and without
 * the apostrophe; times; abbreviations; then every entry with `'` again with `’` (spaCy's `update_exc`).
 */
type Exc = Map<string, string[]>;
const title = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const cased = (w: string): string[] => [w, title(w)];

/** Generated entries spaCy removes because they are real words (`ill` = i + ll, `were` = we + re …). */
const EXCLUDE = ['Ill', 'ill', 'Its', 'its', 'Hell', 'hell', 'Shell', 'shell', 'Shed', 'shed', 'were', 'Were', 'Well', 'well', 'Whore', 'whore'];

function add(exc: Exc, base: string, ...rest: string[]): void {
  exc.set(base + rest.join(''), [base, ...rest]);
}

function pronouns(exc: Exc): void {
  for (const o of cased('i')) {
    add(exc, o, "'m"); add(exc, o, 'm'); add(exc, o, "'m", 'a'); add(exc, o, 'm', 'a');
  }
  for (const p of ['i', 'you', 'he', 'she', 'it', 'we', 'they']) {
    for (const o of cased(p)) {
      add(exc, o, "'ll"); add(exc, o, 'll'); add(exc, o, "'ll", "'ve"); add(exc, o, 'll', 've');
      add(exc, o, "'d"); add(exc, o, 'd'); add(exc, o, "'d", "'ve"); add(exc, o, 'd', 've');
    }
  }
  for (const p of ['i', 'you', 'we', 'they']) for (const o of cased(p)) { add(exc, o, "'ve"); add(exc, o, 've'); }
  for (const p of ['you', 'we', 'they']) for (const o of cased(p)) { add(exc, o, "'re"); add(exc, o, 're'); }
  for (const p of ['he', 'she', 'it']) for (const o of cased(p)) { add(exc, o, "'s"); add(exc, o, 's'); }
}

function whWords(exc: Exc): void {
  const words: Array<[string, 'sing' | 'plur' | null]> = [['who', null], ['what', null], ['when', null], ['where', null],
    ['why', null], ['how', null], ['there', null], ['that', 'sing'], ['this', 'sing'], ['these', 'plur'], ['those', 'plur']];
  for (const [w, number] of words) {
    for (const o of cased(w)) {
      if (number !== 'plur') { add(exc, o, "'s"); add(exc, o, 's'); }
      add(exc, o, "'ll"); add(exc, o, 'll'); add(exc, o, "'ll", "'ve"); add(exc, o, 'll', 've');
      if (number !== 'sing') { add(exc, o, "'re"); add(exc, o, 're'); add(exc, o, "'ve"); add(exc, o, 've'); }
      add(exc, o, "'d"); add(exc, o, 'd'); add(exc, o, "'d", "'ve"); add(exc, o, 'd', 've');
    }
  }
}

function verbs(exc: Exc): void {
  for (const v of ['ca', 'could', 'do', 'does', 'did', 'had', 'may', 'might', 'must', 'need', 'ought', 'sha', 'should', 'wo', 'would']) {
    for (const o of cased(v)) { add(exc, o, "n't"); add(exc, o, 'nt'); add(exc, o, "n't", "'ve"); add(exc, o, 'nt', 've'); }
  }
  for (const v of ['could', 'might', 'must', 'should', 'would']) for (const o of cased(v)) { add(exc, o, "'ve"); add(exc, o, 've'); }
  for (const v of ['ai', 'are', 'is', 'was', 'were', 'have', 'has', 'dare']) for (const o of cased(v)) { add(exc, o, "n't"); add(exc, o, 'nt'); }
}

function others(exc: Exc): void {
  for (const w of ['doin', 'goin', 'nothin', 'nuthin', 'ol', 'somethin']) for (const o of cased(w)) { add(exc, o); add(exc, `${o}'`); }
  for (const w of ['em', 'll', 'nuff']) { add(exc, w); add(exc, `'${w}`); }
  for (let h = 1; h <= 12; h++) for (const p of ['a.m.', 'am', 'p.m.', 'pm']) add(exc, String(h), p);
  const split: Array<[string, ...string[]]> = [["y'", 'all'], ['y', 'all'], ['how', "'d", "'y"], ['How', "'d", "'y"],
    ['not', "'ve"], ['not', 've'], ['Not', "'ve"], ['Not', 've'], ['can', 'not'], ['Can', 'not'], ['gon', 'na'], ['Gon', 'na'],
    ['got', 'ta'], ['Got', 'ta'], ['let', "'s"], ['Let', "'s"], ["c'm", 'on'], ["C'm", 'on']];
  for (const [base, ...rest] of split) add(exc, base, ...rest);
  const singles = ["'S", "'s", '\u2018S', '\u2018s', 'and/or', 'w/o', "'re", "'Cause", "'cause", "'cos", "'Cos", "'coz", "'Coz",
    "'cuz", "'Cuz", "'bout", "ma'am", "Ma'am", "o'clock", "O'clock", "lovin'", "Lovin'", 'lovin', 'Lovin', "havin'", "Havin'",
    'havin', 'Havin', "doin'", "Doin'", 'doin', 'Doin', "goin'", "Goin'", 'goin', 'Goin',
    'Mt.', 'Ak.', 'Ala.', 'Apr.', 'Ariz.', 'Ark.', 'Aug.', 'Calif.', 'Colo.', 'Conn.', 'Dec.', 'Del.', 'Feb.', 'Fla.', 'Ga.',
    'Ia.', 'Id.', 'Ill.', 'Ind.', 'Jan.', 'Jul.', 'Jun.', 'Kan.', 'Kans.', 'Ky.', 'La.', 'Mar.', 'Mass.', 'Mich.', 'Minn.',
    'Miss.', 'N.C.', 'N.D.', 'N.H.', 'N.J.', 'N.M.', 'N.Y.', 'Neb.', 'Nebr.', 'Nev.', 'Nov.', 'Oct.', 'Okla.', 'Ore.', 'Pa.',
    'S.C.', 'Sep.', 'Sept.', 'Tenn.', 'Va.', 'Wash.', 'Wis.',
    "'d", 'a.m.', 'Adm.', 'Bros.', 'co.', 'Co.', 'Corp.', 'D.C.', 'Dr.', 'e.g.', 'E.g.', 'E.G.', 'Gen.', 'Gov.', 'i.e.', 'I.e.',
    'I.E.', 'Inc.', 'Jr.', 'Ltd.', 'Md.', 'Messrs.', 'Mo.', 'Mont.', 'Mr.', 'Mrs.', 'Ms.', 'p.m.', 'Ph.D.', 'Prof.', 'Rep.',
    'Rev.', 'Sen.', 'St.', 'vs.', 'v.s.'];
  for (const s of singles) add(exc, s);
}

/** All English special cases: BASE_EXCEPTIONS + the English table, with `’` variants. */
export function englishExceptions(): Map<string, string[]> {
  const en: Exc = new Map();
  pronouns(en);
  whWords(en);
  verbs(en);
  others(en);
  for (const s of EXCLUDE) en.delete(s);
  const all = baseExceptions();
  for (const [k, v] of en) all.set(k, v);
  for (const [k, v] of [...all]) {
    if (k.includes("'")) all.set(k.replaceAll("'", '\u2019'), v.map((p) => p.replaceAll("'", '\u2019')));
  }
  return all;
}
