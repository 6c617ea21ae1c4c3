import { WordmillError } from '../errors.js';
import type { MemberRule } from '../pipeline/spec.js';
import { stripTags } from './tags.js';
import { isPySpace } from '../text/pychars.js';

/**
 * What a builder gives: a document's text, or `{ more }`, a piece of a document too long to hold whole
 * whose next piece (or end, a plain string) follows. Pieces end at whitespace, so stripTags is exact.
 */
export type Built = string | { more: string };

/** Turns one member's decoded text, piece by piece, into document texts. */
export interface DocBuilder {
  push(text: string): Built[];
  end(): Built[];
}

/** The index just after the last whitespace character of `s` (0 when it has none). */
function afterLastSpace(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) if (isPySpace(s.charCodeAt(i))) return i + 1;
  return 0;
}

/**
 * Splits `text` for a piece: the part up to its last whitespace, and the rest to carry. With no
 * whitespace the text is carried whole until it reaches 4 × `limit`, then cut where it is.
 */
function pieceOf(text: string, limit: number): [string, string] | undefined {
  let cut = afterLastSpace(text);
  if (cut === 0) {
    if (text.length < 4 * limit) return undefined;
    cut = text.length;
  }
  return [text.slice(0, cut), text.slice(cut)];
}

/** Splits text into lines that keep their `\n` (the last one may lack it). */
class Lines {
  carry = '';
  push(text: string): string[] {
    const out: string[] = [];
    let start = 0;
    let text2 = text;
    if (this.carry) {
      text2 = this.carry + text;
      this.carry = '';
    }
    for (let i = text2.indexOf('\n'); i !== -1; i = text2.indexOf('\n', start)) {
      out.push(text2.slice(start, i + 1));
      start = i + 1;
    }
    this.carry = text2.slice(start);
    return out;
  }
  end(): string[] {
    const rest = this.carry;
    this.carry = '';
    return rest ? [rest] : [];
  }
}

const chomp = (line: string): string => (line.endsWith('\n') ? line.slice(0, -1) : line);

/** A line-based builder: feeds whole lines (tags stripped if asked) to `onLine`. */
function lineBuilder(rule: MemberRule, onLine: (line: string) => Built[], onEnd: () => Built[]): DocBuilder {
  const lines = new Lines();
  const tag = rule.stripTags ? stripTags : (s: string) => s;
  const feed = (ls: string[]) => ls.flatMap((l) => onLine(tag(l)));
  return { push: (t) => feed(lines.push(t)), end: () => [...feed(lines.end()), ...onEnd()] };
}

/** Title lines of WikiText: exactly one `=` on each side (` = Title = `); sections have more. */
const TITLE = /^ = [^=]* = $/;

function wikitextArticles(rule: MemberRule, limit: number): DocBuilder {
  // fastai's read_wiki: an article ends before a ` \n` line that is followed by a title line.
  const window: string[] = [];
  let current: string[] = [];
  const out: Built[] = [];
  const step = () => {
    const line = window.shift()!;
    current.push(line);
    if (window.length >= 2 && window[0] === ' \n' && TITLE.test(chomp(window[1]))) {
      out.push(current.join(''));
      current = [];
    }
  };
  return lineBuilder(rule, (line) => {
    window.push(line);
    if (window.length === 3) step();
    // An article longer than `limit` goes out in pieces (whole lines each: titles are found on lines).
    if (size(current) >= limit) {
      out.push({ more: current.join('') });
      current = [];
    }
    return out.splice(0);
  }, () => {
    while (window.length) step();
    if (current.length) out.push(current.join(''));
    current = [];
    return out.splice(0);
  });
}

const size = (parts: string[]): number => parts.reduce((n, p) => n + p.length, 0);

/** One logical stream, cut at line ends into docs of about `limit` chars (V8 strings stop at ~512 MiB). */
function streamed(rule: MemberRule, limit: number, joiner?: string): DocBuilder {
  let parts: string[] = [];
  let size = 0;
  let any = false;
  const flush = (): string[] => {
    if (size === 0) return [];
    const doc = parts.join('');
    parts = [];
    size = 0;
    return [doc];
  };
  return lineBuilder(rule, (line) => {
    let piece = line;
    if (joiner !== undefined) {
      const t = line.trim();
      if (!t) return [];
      piece = any ? joiner + t : t;
    }
    any = true;
    parts.push(piece);
    size += piece.length;
    return size >= limit ? flush() : [];
  }, flush);
}

/**
 * The builder for a rule's docs mode. `pieceChars` bounds what one document holds in memory: a longer
 * `file` document, `lines` line or WikiText article is given out in pieces (Built `more`) that keep
 * one document id; the text stage cuts them again where the tokens cannot change.
 */
export function docBuilder(rule: MemberRule, streamChunk: number, pieceChars = Infinity): DocBuilder {
  const tag = rule.stripTags ? stripTags : (s: string) => s;
  switch (rule.docs) {
    case 'file': {
      let parts: string[] = [];
      let size = 0;
      return {
        push: (t) => {
          parts.push(t);
          size += t.length;
          if (size < pieceChars) return [];
          const split = pieceOf(parts.join(''), pieceChars);
          if (!split) return [];
          parts = [split[1]];
          size = split[1].length;
          return [{ more: tag(split[0]) }];
        },
        end: () => [tag(parts.join(''))],
      };
    }
    case 'lines': {
      const lines = new Lines();
      // A line longer than pieceChars goes out in pieces; its end then closes the document even if blank.
      let open = false;
      const line = (l: string): Built[] => {
        const c = chomp(tag(l));
        if (open) {
          open = false;
          return [c];
        }
        return c.trim() ? [c] : [];
      };
      const overflow = (): Built[] => {
        if (lines.carry.length < pieceChars) return [];
        const split = pieceOf(lines.carry, pieceChars);
        if (!split) return [];
        lines.carry = split[1];
        open = true;
        return [{ more: tag(split[0]) }];
      };
      return {
        push: (t) => [...lines.push(t).flatMap(line), ...overflow()],
        end: () => lines.end().flatMap(line).concat(open ? [''] : []),
      };
    }
    case 'wikitext-articles':
      return wikitextArticles(rule, pieceChars);
    case 'stream':
      return streamed(rule, streamChunk);
    case 'lines-joined':
      return streamed(rule, streamChunk, rule.joiner ?? ' ');
    default:
      throw new WordmillError('WM_ERR_SPEC', `unknown docs mode "${String(rule.docs)}" for member glob ${rule.glob}`);
  }
}
