/** fastai `_re_spec` = `([/#\\])`. */
const RE_SPEC = /([/#\\])/g;
/** fastai `spec_add_spaces`: spaces around `/`, `#` and `\`. */
export const specAddSpaces = (text: string): string => text.replace(RE_SPEC, ' $1 ');

/** fastai `_re_space` = ` {2,}`: ASCII spaces only, tabs/newlines/NBSP are kept. */
const RE_SPACES = / {2,}/g;
/** fastai `rm_useless_spaces`: runs of 2+ spaces → one space. */
export const rmUselessSpaces = (text: string): string => text.replace(RE_SPACES, ' ');

/** U+2581, fastai's stand-in for a space inside a token. */
const RE_SPACE = / /g;
/** fastai post-rule `replace_space`: a space inside a token → `▁` (so tokens can be joined with spaces). */
export const replaceSpace = (token: string): string => (token.indexOf(' ') < 0 ? token : token.replace(RE_SPACE, '\u2581'));
