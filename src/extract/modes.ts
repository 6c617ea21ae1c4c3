import { WordmillError } from '../errors.js';
import type { MemberRule } from '../pipeline/spec.js';
import { stripTags } from './tags.js';

/** Turns one member's decoded text, piece by piece, into document texts. */
export interface DocBuilder {
  push(text: string): string[];
  end(): string[];
}

/** Splits text into lines that keep their `\n` (the last one may lack it). */
class Lines {
  private carry = '';
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
function lineBuilder(rule: MemberRule, onLine: (line: string) => string[], onEnd: () => string[]): DocBuilder {
  const lines = new Lines();
  const tag = rule.stripTags ? stripTags : (s: string) => s;
  const feed = (ls: string[]) => ls.flatMap((l) => onLine(tag(l)));
  return { push: (t) => feed(lines.push(t)), end: () => [...feed(lines.end()), ...onEnd()] };
}

/** Title lines of WikiText: exactly one `=` on each side (` = Title = `); sections have more. */
const TITLE = /^ = [^=]* = $/;

function wikitextArticles(rule: MemberRule): DocBuilder {
  // fastai's read_wiki: an article ends before a ` \n` line that is followed by a title line.
  const window: string[] = [];
  let current: string[] = [];
  const out: string[] = [];
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
    return out.splice(0);
  }, () => {
    while (window.length) step();
    if (current.length) out.push(current.join(''));
    current = [];
    return out.splice(0);
  });
}

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

export function docBuilder(rule: MemberRule, streamChunk: number): DocBuilder {
  switch (rule.docs) {
    case 'file': {
      const parts: string[] = [];
      return {
        push: (t) => (parts.push(t), []),
        end: () => {
          const text = parts.join('');
          return [rule.stripTags ? stripTags(text) : text];
        },
      };
    }
    case 'lines':
      return lineBuilder(rule, (line) => {
        const l = chomp(line);
        return l.trim() ? [l] : [];
      }, () => []);
    case 'wikitext-articles':
      return wikitextArticles(rule);
    case 'stream':
      return streamed(rule, streamChunk);
    case 'lines-joined':
      return streamed(rule, streamChunk, rule.joiner ?? ' ');
    default:
      throw new WordmillError('WM_ERR_SPEC', `unknown docs mode "${String(rule.docs)}" for member glob ${rule.glob}`);
  }
}
