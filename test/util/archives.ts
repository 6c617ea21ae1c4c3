import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export interface TarMember {
  name: string;
  body?: Buffer | string;
  type?: 'file' | 'symlink' | 'link' | 'directory' | 'character-device' | 'fifo';
  linkname?: string;
}

/** A tar built by tar-stream (ustar headers, as GNU tar and npm write them). */
export async function buildTar(members: TarMember[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const m of members) {
    const body = m.body === undefined ? undefined : Buffer.isBuffer(m.body) ? m.body : Buffer.from(m.body);
    await new Promise<void>((resolve, reject) => {
      pack.entry({ name: m.name, type: m.type ?? 'file', linkname: m.linkname, size: body?.length ?? 0, mode: 0o644 }, body ?? Buffer.alloc(0),
        (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

export async function buildTarGz(members: TarMember[]): Promise<Buffer> {
  return gzipSync(await buildTar(members));
}

/** IMDB's layout in miniature: aclImdb/{train,test}/{pos,neg}, train/unsup, plus files to ignore. */
export function imdbMembers(): TarMember[] {
  return [
    { name: 'aclImdb/', type: 'directory' },
    { name: 'aclImdb/README', body: 'Large Movie Review Dataset v1.0\n' },
    { name: 'aclImdb/imdb.vocab', body: 'the\nand\n' },
    { name: 'aclImdb/train/pos/0_9.txt', body: 'Bromwell High is a cartoon comedy.<br /><br />Loved it.' },
    { name: 'aclImdb/train/pos/1_7.txt', body: 'Homelessness (or Houselessness as George Carlin stated) has been an issue.' },
    { name: 'aclImdb/train/neg/0_3.txt', body: 'Story of a man who has unnatural feelings for a pig.' },
    { name: 'aclImdb/train/unsup/0_0.txt', body: 'I admit, the great majority of films released before 1933 are just not for me.' },
    { name: 'aclImdb/train/labeledBow.feat', body: '9 0:9 1:1\n' },
    { name: 'aclImdb/test/pos/0_10.txt', body: 'I went and saw this movie last night.' },
    { name: 'aclImdb/test/neg/0_2.txt', body: 'Once again Mr. Costner has dragged out a movie for far longer than necessary.' },
  ];
}

/** WikiText's layout: three token files; the train file has two articles with sections. */
export const WIKI_TRAIN = [
  ' ', ' = Valkyria Chronicles III = ', ' ', ' Senjō no Valkyria 3 is a tactical role @-@ playing video game . ',
  ' ', ' = = Gameplay = = ', ' ', ' As with previous games , the player controls a squad . ',
  ' ', ' = Tower Building of the Little Rock Arsenal = ', ' ', ' The Tower Building is a structure in Little Rock . ', '',
].join('\n');

export function wikitextMembers(dir = 'wikitext-2'): TarMember[] {
  return [
    { name: `${dir}/wiki.train.tokens`, body: WIKI_TRAIN },
    { name: `${dir}/wiki.valid.tokens`, body: ' \n = Homarus gammarus = \n \n Homarus gammarus is a lobster . \n' },
    { name: `${dir}/wiki.test.tokens`, body: ' \n = Robert Boulter = \n \n Robert Boulter is an actor . \n' },
  ];
}
