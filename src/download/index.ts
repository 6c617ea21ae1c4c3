export { fetchSource } from './fetch-source.js';
export { download, resolveUrl } from './download.js';
export { resolveLocal, isRemote, localPath } from './local.js';
export { cacheRoot, DownloadCache } from './cache.js';
export { lookup as lookupCached } from './lookup.js';
export { resolveNpmUrl, npmRegistry } from './npm.js';
export { fetchConfig, fetchSchema, type FetchOptions } from './options.js';
export type { ResolvedFile } from './types.js';
