/**
 * One Emscripten pthread of tfjs's threaded-SIMD wasm binary (src/train/wasm-threads.ts starts
 * these). tfjs ships the pthread's script only as a string and hands browsers a blob: URL for it;
 * Node's Worker needs a file, so this file runs that string with the `require` and `__filename`
 * the script expects of a CommonJS module.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const script = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
const { wasmWorkerContents } = require(script) as { wasmWorkerContents: string };
// The string's "\n" escapes became real newlines inside its string literals when tfjs embedded it
// (tfjs itself re-escapes them before making its Blob).
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, script);
