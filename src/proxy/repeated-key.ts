/**
 * JSON.parse silently keeps the last of two equal keys (a placement pasted twice would
 * replace the first; a request field given twice would be guessed at). Returns the path
 * of the first key repeated within one object. Used by the config file and POST bodies.
 * `text` is known-valid JSON, so its strings and brackets can be scanned without a parser.
 */
export function repeatedKey(text: string): string[] | undefined {
  // One frame per open object (keys seen, and the key whose value is being read) or array (the index).
  const frames: ({ keys: Set<string>; key: string } | { index: number })[] = [];
  const at = () => frames.map((frame) => ('keys' in frame ? frame.key : String(frame.index)));
  let previous = '';
  for (const [token] of text.matchAll(/"(?:[^"\\]|\\.)*"|[{}[\]:,]/g)) {
    const frame = frames.at(-1);
    if (token === ':' && frame && 'keys' in frame) {
      const key = JSON.parse(previous) as string;
      if (frame.keys.has(key)) return [...at().slice(0, -1), key];
      frame.keys.add(key);
      frame.key = key;
    } else if (token === ',' && frame && 'index' in frame) frame.index += 1;
    else if (token === '{') frames.push({ keys: new Set(), key: '' });
    else if (token === '[') frames.push({ index: 0 });
    else if (token === '}' || token === ']') frames.pop();
    previous = token;
  }
  return undefined;
}
