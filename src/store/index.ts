export { fingerprint, canonicalJson, cacheRoot, storeDir, storesDir } from './fingerprint.js';
export { openStore, TokenStore, type SplitData, type OpenStoreOptions } from './reader.js';
export { StoreWriter, type StoreWriterOptions, type FinishMeta } from './writer.js';
export { ensureStore, findStore, type EnsureStoreOptions } from './ensure.js';
export { acquireLock, type Lock, type LockOptions, type LockOwner } from '../lock.js';
export type { StoreMeta, SplitMeta, FileMeta } from './meta.js';
export { STORE_FORMAT_VERSION, HEADER_BYTES } from './format.js';
