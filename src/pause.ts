/**
 * Test hook for signal tests: with WORDMILL_TEST_PAUSE=<point>, the process announces
 * `wordmill-test: paused at <point>` on stderr and waits WORDMILL_TEST_PAUSE_MS (default 3000) there,
 * so a test can deliver a real signal at exactly that step. Without the variable it costs nothing.
 */
export async function pausePoint(point: string): Promise<void> {
  if (process.env.WORDMILL_TEST_PAUSE !== point) return;
  process.stderr.write(`wordmill-test: paused at ${point}\n`);
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.WORDMILL_TEST_PAUSE_MS ?? 3000)));
}
