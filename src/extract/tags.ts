/** Brown's `word/tag`: each whitespace-separated item cut at its LAST `/`; whitespace kept as is. */
export function stripTags(line: string): string {
  return line.replace(/\S+/g, (item) => {
    const i = item.lastIndexOf('/');
    return i < 0 ? item : item.slice(0, i);
  });
}
