// Reading the examples on the docs/*.md pages: the Markdown markers and fenced
// blocks, the shell subset a command may use, and what the command asks for
// (a curl request or the operator CLI). The format is described in
// docs/README.md ("Examples that cannot rot"); app/docs-examples.test.ts
// replays the examples with support/doc-replay.ts.

/** The origin the docs show: `pnpm start`'s default. The test maps it to the real server's. */
export const DOC_ORIGIN = 'http://127.0.0.1:4000';

// ---------------------------------------------------------------------------
// Markdown: markers and fenced blocks

interface Block {
  lang: string;
  text: string;
  line: number;
}

export interface Example {
  name: string;
  retry: boolean;
  line: number;
  command: Block;
  answer: Block;
}

export interface Page {
  file: string;
  examples: Example[];
  problems: string[];
}

type Item =
  | { kind: 'example'; name: string; retry: boolean; line: number }
  | { kind: 'not-replayed'; line: number }
  | { kind: 'block'; block: Block }
  | { kind: 'bad-marker'; line: number }
  | { kind: 'prose'; line: number };

const EXAMPLE_MARKER = /^<!--\s*example:\s*([\w.-]+)\s*(,\s*retry\s*)?-->$/;
const NOT_REPLAYED_MARKER = /^<!--\s*not replayed:\s*\S[^]*-->$/;
const SHELL_LANGS = new Set(['sh', 'shell', 'bash', 'console', 'zsh']);

function scan(markdown: string): Item[] {
  const lines = markdown.split('\n');
  const items: Item[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // A fence may be indented (inside a list item); its content then is too.
    const fence = /^( *)(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (fence) {
      const [, indent, marks, lang] = fence as unknown as [string, string, string, string];
      const close = new RegExp(`^ *${marks[0]}{${marks.length},}\\s*$`);
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !close.test(lines[j]!)) {
        body.push(lines[j++]!.replace(new RegExp(`^ {0,${indent.length}}`), ''));
      }
      items.push({ kind: 'block', block: { lang, text: body.join('\n'), line: i + 1 } });
      i = j;
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const example = EXAMPLE_MARKER.exec(trimmed);
    if (example)
      items.push({ kind: 'example', name: example[1]!, retry: !!example[2], line: i + 1 });
    else if (NOT_REPLAYED_MARKER.test(trimmed)) items.push({ kind: 'not-replayed', line: i + 1 });
    else if (/^<!--\s*(example|not replayed)\b/.test(trimmed)) {
      items.push({ kind: 'bad-marker', line: i + 1 });
    } else items.push({ kind: 'prose', line: i + 1 });
  }
  return items;
}

export function parsePage(file: string, markdown: string): Page {
  const items = scan(markdown);
  const examples: Example[] = [];
  const problems: string[] = [];
  const names = new Set<string>();
  for (let k = 0; k < items.length; k++) {
    const item = items[k]!;
    if (item.kind === 'example') {
      const command = items[k + 1];
      const answer = items[k + 2];
      if (command?.kind !== 'block' || !SHELL_LANGS.has(command.block.lang)) {
        problems.push(
          `${file}:${item.line}: example "${item.name}" must be followed by a sh block`,
        );
        continue;
      }
      if (answer?.kind !== 'block') {
        problems.push(
          `${file}:${item.line}: example "${item.name}": its command must be followed directly by the answer block`,
        );
        continue;
      }
      if (names.has(item.name)) problems.push(`${file}:${item.line}: example "${item.name}" twice`);
      names.add(item.name);
      examples.push({
        name: item.name,
        retry: item.retry,
        line: item.line,
        command: command.block,
        answer: answer.block,
      });
      k += 2;
    } else if (item.kind === 'not-replayed') {
      const next = items[k + 1];
      if (next?.kind !== 'block') {
        problems.push(`${file}:${item.line}: a "not replayed" marker must precede a code block`);
      }
      k += 1;
    } else if (item.kind === 'bad-marker') {
      problems.push(
        `${file}:${item.line}: write <!-- example: name --> (or "name, retry") or <!-- not replayed: why -->`,
      );
    } else if (item.kind === 'block' && SHELL_LANGS.has(item.block.lang)) {
      problems.push(
        `${file}:${item.block.line}: a ${item.block.lang} block that is neither an example nor marked <!-- not replayed: why -->`,
      );
    }
  }
  return { file, examples, problems };
}

// ---------------------------------------------------------------------------
// The shell subset: words, quotes, $VARIABLES, line continuations, one pipe.

type Token = { op: '|' } | { word: string };

function shellWords(source: string, vars: ReadonlyMap<string, string>): Token[] {
  const tokens: Token[] = [];
  let word: string | null = null;
  let i = 0;
  const append = (s: string) => (word = (word ?? '') + s);
  const end = () => {
    if (word !== null) tokens.push({ word });
    word = null;
  };
  const expand = (): string => {
    // At a `$`: $NAME or ${NAME}. Command substitution is not part of the subset.
    const rest = source.slice(i + 1);
    const m = /^(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/.exec(rest);
    if (rest.startsWith('(')) throw new Error('$(…) is not supported in examples');
    if (!m) {
      i += 1;
      return '$';
    }
    const name = (m[1] ?? m[2])!;
    i += 1 + m[0].length;
    const value = vars.get(name);
    if (value === undefined) {
      throw new Error(`$${name} is not set: no earlier answer on this page captured it`);
    }
    return value;
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\' && source[i + 1] === '\n') {
      i += 2;
    } else if (c === '\\') {
      append(source[i + 1] ?? '');
      i += 2;
    } else if (c === "'") {
      const close = source.indexOf("'", i + 1);
      if (close === -1) throw new Error('unterminated single quote');
      append(source.slice(i + 1, close));
      i = close + 1;
    } else if (c === '"') {
      append('');
      i += 1;
      while (source[i] !== '"') {
        if (i >= source.length) throw new Error('unterminated double quote');
        const d = source[i]!;
        if (d === '\\' && '$`"\\\n'.includes(source[i + 1] ?? '')) {
          if (source[i + 1] !== '\n') append(source[i + 1]!);
          i += 2;
        } else if (d === '$') append(expand());
        else if (d === '`') throw new Error('backquotes are not supported in examples');
        else {
          append(d);
          i += 1;
        }
      }
      i += 1;
    } else if (c === '$') {
      append(expand());
    } else if (c === ' ' || c === '\t') {
      end();
      i += 1;
    } else if (c === '\n') {
      if (source.slice(i).trim() !== '') {
        throw new Error('one command per example: continue long lines with a backslash');
      }
      i += 1;
    } else if (c === '#' && word === null) {
      while (i < source.length && source[i] !== '\n') i += 1;
    } else if (c === '|') {
      end();
      tokens.push({ op: '|' });
      i += 1;
    } else if (';&<>`()'.includes(c)) {
      throw new Error(`"${c}" is not part of the shell subset examples may use`);
    } else {
      append(c);
      i += 1;
    }
  }
  end();
  return tokens;
}

// ---------------------------------------------------------------------------
// Commands: curl (an HTTP request) or the operator CLI

export interface HttpCommand {
  kind: 'http';
  method: string;
  /** Path and query, under DOC_ORIGIN. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** What curl prints: the body (default), the head and body (-i), the head only (-I). */
  show: 'body' | 'head+body' | 'head';
}

export interface CliCommand {
  kind: 'cli';
  args: string[];
  stdin: string;
}

/** Percent-encodes as curl's --data-urlencode does: everything but A-Z a-z 0-9 - . _ ~. */
function curlEncode(text: string): string {
  return Array.from(Buffer.from(text, 'utf8'))
    .map((b) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

function parseCurl(args: string[]): HttpCommand {
  let url: string | undefined;
  let method: string | undefined;
  let show: HttpCommand['show'] = 'body';
  let get = false;
  const headers: Record<string, string> = {};
  const data: string[] = [];
  const header = (h: string) => {
    const at = h.indexOf(':');
    if (at < 1) throw new Error(`curl: bad header "${h}"`);
    headers[h.slice(0, at).trim().toLowerCase()] = h.slice(at + 1).trim();
  };
  const addData = (kind: 'data' | 'raw' | 'urlencode', value: string) => {
    if (kind === 'data' && value.startsWith('@'))
      throw new Error('curl: -d @file is not supported');
    if (kind !== 'urlencode') return data.push(value);
    if (value.startsWith('@') || /^[^=]*@/.test(value.split('=')[0]!)) {
      throw new Error('curl: --data-urlencode from a file is not supported');
    }
    const at = value.indexOf('=');
    data.push(
      at === -1
        ? curlEncode(value)
        : at === 0
          ? curlEncode(value.slice(1))
          : `${value.slice(0, at)}=${curlEncode(value.slice(at + 1))}`,
    );
  };
  for (let k = 0; k < args.length; k++) {
    const arg = args[k]!;
    const value = () => {
      const v = args[++k];
      if (v === undefined) throw new Error(`curl: ${arg} needs a value`);
      return v;
    };
    if (arg.startsWith('--')) {
      switch (arg) {
        case '--silent':
        case '--show-error':
          break;
        case '--include':
          show = 'head+body';
          break;
        case '--head':
          show = 'head';
          break;
        case '--get':
          get = true;
          break;
        case '--request':
          method = value();
          break;
        case '--header':
          header(value());
          break;
        case '--data':
          addData('data', value());
          break;
        case '--data-raw':
          addData('raw', value());
          break;
        case '--data-urlencode':
          addData('urlencode', value());
          break;
        default:
          throw new Error(`curl: ${arg} is not part of the subset examples may use`);
      }
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let f = 1; f < arg.length; f++) {
        const flag = arg[f]!;
        const attached = arg.slice(f + 1);
        const takeValue = () => {
          f = arg.length;
          return attached || value();
        };
        if (flag === 's' || flag === 'S') continue;
        else if (flag === 'i') show = 'head+body';
        else if (flag === 'I') show = 'head';
        else if (flag === 'G') get = true;
        else if (flag === 'X') method = takeValue();
        else if (flag === 'H') header(takeValue());
        else if (flag === 'd') addData('data', takeValue());
        else throw new Error(`curl: -${flag} is not part of the subset examples may use`);
      }
    } else if (url === undefined) url = arg;
    else throw new Error(`curl: a second URL "${arg}"`);
  }
  if (!url?.startsWith(`${DOC_ORIGIN}/`)) {
    throw new Error(`curl: examples talk to ${DOC_ORIGIN}, not "${url}"`);
  }
  let target = url.slice(DOC_ORIGIN.length);
  let body: string | undefined;
  if (data.length > 0 && get) target += (target.includes('?') ? '&' : '?') + data.join('&');
  else if (data.length > 0) {
    body = data.join('&');
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  return {
    kind: 'http',
    method: method ?? (show === 'head' ? 'HEAD' : body !== undefined ? 'POST' : 'GET'),
    path: target,
    headers,
    body,
    show,
  };
}

export function parseCommand(
  source: string,
  vars: ReadonlyMap<string, string>,
): HttpCommand | CliCommand {
  const tokens = shellWords(source, vars);
  const segments: string[][] = [[]];
  for (const t of tokens) {
    if ('op' in t) segments.push([]);
    else segments.at(-1)!.push(t.word);
  }
  let stdin = '';
  if (segments.length === 2) {
    const [feed, rest] = segments as [string[], string[]];
    if (feed[0] !== 'echo' || feed.length !== 2) {
      throw new Error("only `echo '…' | pnpm -s colloquy …` may use a pipe");
    }
    stdin = `${feed[1]}\n`;
    segments.splice(0, 2, rest);
  }
  if (segments.length !== 1) throw new Error('one pipe at most');
  const [program, ...args] = segments[0]!;
  if (program === 'curl' && stdin === '') return parseCurl(args);
  if (program === 'pnpm' && args[0] === '-s' && args[1] === 'colloquy') {
    return { kind: 'cli', args: args.slice(2), stdin };
  }
  throw new Error(`examples run curl or \`pnpm -s colloquy\`, not "${program}"`);
}
