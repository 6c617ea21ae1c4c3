/** A source file on local disk, verified, with its content digest (the store fingerprints by it). */
export interface ResolvedFile {
  /** The url as given (npm: urls resolved), or `file://` for local files. */
  url: string;
  /** Where the bytes are: the download cache, or the local file itself. */
  path: string;
  sha256: string;
  size: number;
  /** True when nothing was downloaded (cache hit or local file). */
  cached: boolean;
  /** Member path for a plain (non-archive) file: its name, or its path relative to a source directory. */
  name: string;
  /**
   * The directory url a file was found under, for files a directory source expanded to: they are
   * members of one source, so `every`/`offset` rules count across them as across one archive's members.
   */
  directory?: string;
}
