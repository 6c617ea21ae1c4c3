/**
 * A tokenize worker whose module takes ~300 ms to load and then records that it finished loading
 * (a line appended to $WM_TEST_LOADED_FILE), for the test that no thread is terminated mid-import.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

await sleep(300);
const { default: run } = await import('./faulty-tokenize-worker.js');
if (process.env.WM_TEST_LOADED_FILE) appendFileSync(process.env.WM_TEST_LOADED_FILE, 'loaded\n');

export default run;
