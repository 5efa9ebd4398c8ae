// A build plugin that strips the indentation out of Lit's css`` and html`` templates
// in our own sources. The JS minifier leaves template text alone, and on every
// shopper's page view those bytes are pure whitespace.

/** Finds the end of a template literal starting after its opening backtick, skipping ${…} expressions. */
function templateEnd(code, start) {
  for (let i = start; i < code.length; i++) {
    if (code[i] === '\\') i++;
    else if (code[i] === '`') return i;
    else if (code[i] === '$' && code[i + 1] === '{') i = expressionEnd(code, i + 2);
  }
  throw new Error('unterminated template literal');
}

function expressionEnd(code, start) {
  let depth = 1;
  for (let i = start; i < code.length; i++) {
    const char = code[i];
    if (char === '`') i = templateEnd(code, i + 1);
    else if (char === "'" || char === '"') i = code.indexOf(char, i + 1);
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i;
  }
  throw new Error('unterminated template expression');
}

const squeeze = {
  // Comments are for the source; the last declaration in a block needs no semicolon.
  css: (text) => text.replace(/\/\*[^]*?\*\//g, '').replace(/\s+/g, ' ').replace(/\s*([{};:,>])\s*/g, '$1').replace(/;}/g, '}').replace(/([^\w.])0\./g, '$1.'),
  html: (text) => text.replace(/>\s+</g, '><').replace(/\s*\n\s*/g, ' '),
};

/** Rewrites the static parts of css`` and html`` templates; ${…} expressions are processed recursively. */
export function minifyTemplates(code) {
  let out = '';
  let last = 0;
  const tag = /\b(css|html)`/g;
  for (let match; (match = tag.exec(code)); ) {
    const start = match.index + match[0].length;
    const end = templateEnd(code, start);
    let body = '';
    let from = start;
    for (let i = start; i < end; i++) {
      if (code[i] === '\\') i++;
      else if (code[i] === '$' && code[i + 1] === '{') {
        const close = expressionEnd(code, i + 2);
        body += squeeze[match[1]](code.slice(from, i)) + '${' + minifyTemplates(code.slice(i + 2, close)) + '}';
        from = close + 1;
        i = close;
      }
    }
    body += squeeze[match[1]](code.slice(from, end));
    out += code.slice(last, start) + body + '`';
    last = end + 1;
    tag.lastIndex = end + 1;
  }
  return out + code.slice(last);
}

export const minifyTemplatesPlugin = {
  name: 'recs-minify-templates',
  transform(code, id) {
    if (!/[\\/]src[\\/]elements[\\/].*\.ts$/.test(id)) return null;
    return { code: minifyTemplates(code), map: null };
  },
};
