// The CLI entry of this build (bin/wordmill.js always loads dist/), for tests that spawn wordmill.
import { main } from '../../src/cli/main.js';

main(process.argv).then((status) => {
  process.exitCode = status;
});
