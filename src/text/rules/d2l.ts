/** A run of anything but an ASCII letter (d2l's `[^A-Za-z]+`). */
const NON_LETTERS = /[^A-Za-z]+/g;

/**
 * d2l's `read_time_machine`: per line, runs of non-letters become one space, then strip and
 * lowercase; the lines are then concatenated with nothing between them (d2l flattens its per-line
 * token lists), so empty lines vanish.
 */
export function d2lTimeMachine(text: string): string {
  let out = '';
  for (const line of text.split('\n')) out += line.replace(NON_LETTERS, ' ').trim().toLowerCase();
  return out;
}
