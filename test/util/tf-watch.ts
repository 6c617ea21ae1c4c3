/**
 * `node --import dist/test/util/tf-watch.js …`: logs `<pid> <url>` to $WORDMILL_TF_WATCH for every
 * module under @tensorflow/ that the process (or a child forked with the same execArgv) loads, so
 * a test can show the parent never loads TensorFlow.js while its trainer process does.
 */
import { register } from 'node:module';

register(new URL('./tf-watch-hooks.js', import.meta.url));
