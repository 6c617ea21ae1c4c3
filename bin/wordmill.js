#!/usr/bin/env node
// Thin shim: the CLI is compiled TypeScript (npm install runs `tsc` through the `prepare` script).
import { main } from '../dist/src/cli/main.js';

main(process.argv).then((status) => {
  process.exitCode = status;
});
