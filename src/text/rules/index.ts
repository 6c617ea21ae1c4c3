import { WordmillError } from '../../errors.js';
import { lowercase, lowercaseWithEos, makeLowercase, makeReplaceAllCaps, makeReplaceMaj, replaceAllCaps, replaceMaj } from './case.js';
import { fixHtml } from './fix-html.js';
import { makeReplaceWrep, replaceRep, replaceWrep } from './repeats.js';
import { DEFAULT_UNICODE, type PyUnicode } from '../unicode/index.js';
import { replaceSpace, rmUselessSpaces, specAddSpaces } from './spaces.js';
import { fixup, universalNewlines } from './wikitext.js';
import { d2lTimeMachine } from './d2l.js';

export { fixHtml, replaceRep, replaceWrep, specAddSpaces, rmUselessSpaces, replaceAllCaps, replaceMaj, lowercase };
export { lowercaseWithEos, makeLowercase, replaceSpace, fixup, universalNewlines, d2lTimeMachine };
export { joinFields } from './wikitext.js';
export { htmlUnescape } from './html-unescape.js';

/** A text rule: a pure function from document text to document text (fastai's `text_proc_rules`). */
export type Rule = (text: string) => string;

/** fastai v2 `defaults.text_proc_rules`, in order. A plain array: edit it to change what `rules: 'fastai'` does. */
export const defaultRules: Rule[] = [fixHtml, replaceRep, replaceWrep, specAddSpaces, rmUselessSpaces, replaceAllCaps, replaceMaj, lowercase];

/** Rules by name, so a pipeline spec can list them (`rules: ["fixup", "lowercase"]`). */
export const RULES: Record<string, Rule> = {
  fixHtml, replaceRep, replaceWrep, specAddSpaces, rmUselessSpaces, replaceAllCaps, replaceMaj, lowercase,
  lowercaseWithEos, fixup, universalNewlines, d2lTimeMachine,
};

/** Resolves a spec's `rules` to a rule list; unknown names are a `WM_ERR_SPEC` naming the rule. */
export function resolveRules(rules: string | readonly string[]): Rule[] {
  if (rules === 'none') return [];
  if (rules === 'fastai') return [...defaultRules];
  if (rules === 'fastai-wikitext') return [fixup, ...defaultRules];
  const names = typeof rules === 'string' ? [rules] : rules;
  return names.map((name) => {
    const rule = Object.prototype.hasOwnProperty.call(RULES, name) ? RULES[name] : undefined;
    if (!rule) {
      throw new WordmillError('WM_ERR_SPEC', `text.rules: unknown rule "${name}" (known: none, fastai, fastai-wikitext, ${Object.keys(RULES).join(', ')})`, { option: 'text.rules', actual: name });
    }
    return rule;
  });
}

/** The rules that ask Python's Unicode tables (`str.lower()`, `re`'s `\w`), by their default (Unicode 14.0) versions. */
const UNICODE_BOUND = new Map<Rule, (u: PyUnicode) => Rule>([
  [replaceWrep, (u) => makeReplaceWrep(u.word)],
  [replaceAllCaps, (u) => makeReplaceAllCaps(u.lower)],
  [replaceMaj, (u) => makeReplaceMaj(u.lower)],
  [lowercase, (u) => makeLowercase(true, false, u.lower)],
  [lowercaseWithEos, (u) => makeLowercase(true, true, u.lower)],
]);

/** `rules` as they run on the Python with Unicode `u` (the named rules are Unicode 14.0's, Python 3.11's). */
export function forUnicode(rules: readonly Rule[], u: PyUnicode): Rule[] {
  if (u.version === DEFAULT_UNICODE) return [...rules];
  return rules.map((r) => UNICODE_BOUND.get(r)?.(u) ?? r);
}

/** Applies rules in order. */
export function applyRules(text: string, rules: readonly Rule[]): string {
  let t = text;
  for (const rule of rules) t = rule(t);
  return t;
}
