// The CLI entry of this build (bin/wordmill.js always loads dist/), for tests that spawn wordmill.
// `node --test dist/test/` also runs this file, without the variable: it then does nothing.
import { main } from '../../src/cli/main.js';

if (process.env.WORDMILL_TEST_BIN === '1') {
  main(process.argv).then((status) => {
    process.exitCode = status;
  });
}
