// Replays the examples in docs/*.md against the real server, so the docs cannot
// drift from what Colloquy answers. The format is described in docs/README.md
// ("Examples that cannot rot"); in short:
//
//   <!-- example: name -->        (or `<!-- example: name, retry -->`)
//   ```sh
//   curl … | pnpm -s colloquy …   (one command)
//   ```
//   ```json                       (or text, xml, …: the answer)
//   …
//   ```
//
// Each page gets a fresh server on a fresh, seeded SQLite database, and its
// examples run in order, so a token from one answer can be used by the next.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colloquy } from '../support/cli.js';
import { startServer, type TestServer } from '../support/server.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const DOCS = path.join(ROOT, 'docs');
/** The origin the docs show: `pnpm start`'s default. The test maps it to the real server's. */
const DOC_ORIGIN = 'http://127.0.0.1:4000';
/** How long a `retry` example is repeated until its answer matches. */
const RETRY_FOR_MS = 10_000;

// ---------------------------------------------------------------------------
// Markdown: markers and fenced blocks

interface Block {
  lang: string;
  text: string;
  line: number;
}

interface Example {
  name: string;
  retry: boolean;
  line: number;
  command: Block;
  answer: Block;
}

interface Page {
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

function parsePage(file: string, markdown: string): Page {
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

interface HttpCommand {
  kind: 'http';
  method: string;
  /** Path and query, under DOC_ORIGIN. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** What curl prints: the body (default), the head and body (-i), the head only (-I). */
  show: 'body' | 'head+body' | 'head';
}

interface CliCommand {
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

function parseCommand(source: string, vars: ReadonlyMap<string, string>): HttpCommand | CliCommand {
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

// ---------------------------------------------------------------------------
// Answers and placeholders

/** What a command printed, with the real server's origin put back as DOC_ORIGIN. */
interface Output {
  status?: string;
  headers?: [string, string][];
  body: string;
}

const TIMESTAMP = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?Z`;
/** `<timestamp>` and `$NAME`, the placeholders an answer may use. */
const PLACEHOLDER = /<timestamp>|\$([A-Z][A-Z0-9_]*)/g;
const CAPTURED_VALUE = '[A-Za-z0-9._~-]+';
const ELLIPSIS = '…';

type Vars = ReadonlyMap<string, string>;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Matches one expected string (with placeholders) against an actual one; the new variables, or null. */
function matchString(expected: string, actual: string, vars: Vars): Map<string, string> | null {
  const names: string[] = [];
  let pattern = '';
  let last = 0;
  for (const m of expected.matchAll(PLACEHOLDER)) {
    pattern += escapeRegExp(expected.slice(last, m.index));
    last = m.index + m[0].length;
    const name = m[1];
    if (name === undefined) pattern += TIMESTAMP;
    else if (vars.has(name)) pattern += escapeRegExp(vars.get(name)!);
    else if (names.includes(name)) pattern += `\\k<${name}>`;
    else {
      names.push(name);
      pattern += `(?<${name}>${CAPTURED_VALUE})`;
    }
  }
  pattern += escapeRegExp(expected.slice(last));
  const found = new RegExp(`^${pattern}$`).exec(actual);
  if (!found) return null;
  const next = new Map(vars);
  for (const name of names) next.set(name, found.groups![name]!);
  return next;
}

class Mismatch extends Error {}

function describeValue(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** Deep comparison: same keys, same array lengths, strings through matchString. */
function matchJson(
  expected: unknown,
  actual: unknown,
  vars: Vars,
  at: string,
): Map<string, string> {
  const fail = (why: string): never => {
    throw new Mismatch(`at ${at}: ${why}`);
  };
  if (typeof expected === 'string') {
    if (typeof actual !== 'string')
      fail(`expected ${describeValue(expected)}, got ${describeValue(actual)}`);
    const next = matchString(expected, actual as string, vars);
    if (!next) fail(`expected ${describeValue(expected)}, got ${describeValue(actual)}`);
    return next!;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) fail(`expected an array, got ${describeValue(actual)}`);
    const list = actual as unknown[];
    if (list.length !== expected.length) {
      fail(`expected ${expected.length} items, got ${list.length}`);
    }
    let current = new Map(vars);
    expected.forEach((e, n) => (current = matchJson(e, list[n], current, `${at}[${n}]`)));
    return current;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      fail(`expected an object, got ${describeValue(actual)}`);
    }
    const object = actual as Record<string, unknown>;
    const missing = Object.keys(expected).filter((k) => !(k in object));
    const extra = Object.keys(object).filter((k) => !(k in expected));
    if (missing.length > 0) fail(`missing ${missing.join(', ')}`);
    if (extra.length > 0) fail(`not documented: ${extra.join(', ')}`);
    let current = new Map(vars);
    for (const [k, e] of Object.entries(expected)) {
      current = matchJson(e, object[k], current, `${at}.${k}`);
    }
    return current;
  }
  if (expected !== actual)
    fail(`expected ${describeValue(expected)}, got ${describeValue(actual)}`);
  return new Map(vars);
}

/** Lines against lines; a line `…` stands for any number of lines. */
function matchLines(expected: string[], actual: string[], vars: Vars): Map<string, string> | null {
  if (expected.length === 0) return actual.length === 0 ? new Map(vars) : null;
  const [first, ...rest] = expected as [string, ...string[]];
  if (first === ELLIPSIS) {
    for (let skip = 0; skip <= actual.length; skip++) {
      const found = matchLines(rest, actual.slice(skip), vars);
      if (found) return found;
    }
    return null;
  }
  if (actual.length === 0) return null;
  const line = matchString(first, actual[0]!, vars);
  return line && matchLines(rest, actual.slice(1), line);
}

/** The lines of a text, without spaces at their ends or empty lines at its end. */
function lines(text: string): string[] {
  const trimmed = text.replace(/\s+$/, '');
  return trimmed === '' ? [] : trimmed.split('\n').map((l) => l.trimEnd());
}

/** The head of an HTTP answer: the status line, then the headers shown, `…` where others were left out. */
function matchHead(expected: string[], output: Output, vars: Vars): Map<string, string> {
  const [statusLine = '', ...headerLines] = expected;
  if (statusLine !== output.status) {
    throw new Mismatch(`expected status "${statusLine}", got "${output.status}"`);
  }
  let current = new Map(vars);
  const shown = new Set<string>();
  let elided = false;
  for (const line of headerLines) {
    if (line === ELLIPSIS) {
      elided = true;
      continue;
    }
    const at = line.indexOf(':');
    if (at < 1) throw new Mismatch(`"${line}" is not a header line ("name: value")`);
    const name = line.slice(0, at).trim().toLowerCase();
    const value = line.slice(at + 1).trim();
    const actual = output.headers!.find(([n]) => n === name);
    if (!actual) throw new Mismatch(`no "${name}" header`);
    const next = matchString(value, actual[1], current);
    if (!next) throw new Mismatch(`header ${name}: expected "${value}", got "${actual[1]}"`);
    current = next;
    shown.add(name);
  }
  const others = output.headers!.filter(([n]) => !shown.has(n)).map(([n]) => n);
  if (others.length > 0 && !elided) {
    throw new Mismatch(`headers not shown (write a line "…" for them): ${others.join(', ')}`);
  }
  return current;
}

function matchAnswer(
  example: Example,
  show: HttpCommand['show'] | 'cli',
  output: Output,
  vars: Vars,
) {
  const expected = example.answer.text;
  let current = new Map(vars);
  let bodyLines = lines(expected);
  if (show === 'head' || show === 'head+body') {
    const blank = bodyLines.indexOf('');
    const head = blank === -1 ? bodyLines : bodyLines.slice(0, blank);
    current = matchHead(head, output, current);
    bodyLines = blank === -1 ? [] : bodyLines.slice(blank + 1);
    if (show === 'head') return current;
  }
  if (example.answer.lang === 'json' && show !== 'head+body') {
    let actual: unknown;
    try {
      actual = JSON.parse(output.body);
    } catch {
      throw new Mismatch('the answer is not JSON');
    }
    return matchJson(JSON.parse(expected), actual, current, '$');
  }
  const found = matchLines(bodyLines, lines(output.body), current);
  if (!found) throw new Mismatch('the text differs');
  return found;
}

function render(output: Output): string {
  const head = output.status
    ? [output.status, ...output.headers!.map(([n, v]) => `${n}: ${v}`), ''].join('\n') + '\n'
    : '';
  let body = output.body;
  try {
    body = JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    // not JSON: as it came
  }
  return head + body;
}

// ---------------------------------------------------------------------------
// Running

async function run(server: TestServer, command: HttpCommand | CliCommand): Promise<Output> {
  const { port } = new URL(server.url);
  const toDocs = (text: string) =>
    text
      .replaceAll(server.url, DOC_ORIGIN)
      .replaceAll(`127.0.0.1:${port}`, '127.0.0.1:4000')
      .replaceAll(`127.0.0.1%3A${port}`, '127.0.0.1%3A4000');
  if (command.kind === 'cli') {
    const result = await colloquy(server.config.database, command.args, command.stdin, 'pnpm');
    // What a terminal shows: the CLI's messages (stderr), then its output (stdout).
    return { body: toDocs(result.stderr + result.stdout) };
  }
  // A documented URL inside a request (a pingback's target, say) means the real server too.
  const toServer = (text: string) =>
    text.replaceAll(DOC_ORIGIN, server.url).replaceAll('127.0.0.1%3A4000', `127.0.0.1%3A${port}`);
  const headers = Object.fromEntries(
    Object.entries(command.headers).map(([n, v]) => [n, toServer(v)]),
  );
  const res = await fetch(server.url + toServer(command.path), {
    method: command.method,
    // curl sends Accept: */*, so the server answers as it answers curl.
    headers: { accept: '*/*', ...headers },
    body: command.body === undefined ? undefined : toServer(command.body),
    redirect: 'manual',
  });
  const body = await res.text();
  return {
    status: `HTTP/1.1 ${res.status} ${res.statusText}`,
    headers: [...res.headers].map(([n, v]) => [n, toDocs(v)]),
    body: toDocs(body),
  };
}

const pages = fs
  .readdirSync(DOCS)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => parsePage(`docs/${f}`, fs.readFileSync(path.join(DOCS, f), 'utf8')));

describe('docs examples: the pages', () => {
  it('parse: every shell block is a replayed example or says why it is not', () => {
    expect(pages.flatMap((p) => p.problems)).toEqual([]);
  });

  it('lose no example marker (a marker the parser missed would be an example never replayed)', () => {
    for (const page of pages) {
      const markdown = fs.readFileSync(path.join(ROOT, page.file), 'utf8');
      // Markers inside code blocks (this format's own documentation) are not examples.
      const outsideBlocks = markdown.replace(/^ *(`{3,}|~{3,})[^]*?^ *\1\s*$/gm, '');
      const markers = outsideBlocks.match(/<!--\s*example:/g)?.length ?? 0;
      expect(page.examples.length, page.file).toBe(markers);
    }
    expect(pages.reduce((n, p) => n + p.examples.length, 0)).toBeGreaterThan(0);
  });
});

for (const page of pages.filter((p) => p.examples.length > 0)) {
  describe(`docs examples: ${page.file}`, () => {
    let server: TestServer;
    let vars = new Map<string, string>();
    let broken: string | null = null;

    beforeAll(async () => {
      server = await startServer('sqlite');
      // As `pnpm start` without PUBLIC_URL: the public URL is the address served.
      server.config.publicUrl = server.url;
      server.config.publicUrlSource = 'default';
    });
    afterAll(async () => {
      await server?.close();
    });

    for (const example of page.examples) {
      it(`${example.name} (${page.file}:${example.line})`, async (ctx) => {
        if (broken) ctx.skip(`an earlier example on this page failed: ${broken}`);
        const where = `${page.file}:${example.line} example "${example.name}"`;
        try {
          const command = parseCommand(example.command.text, vars);
          const show = command.kind === 'cli' ? 'cli' : command.show;
          const deadline = Date.now() + (example.retry ? RETRY_FOR_MS : 0);
          for (;;) {
            const output = await run(server, command);
            try {
              vars = matchAnswer(example, show, output, vars);
              return;
            } catch (error) {
              const late = Date.now() >= deadline;
              if (error instanceof Mismatch && late && process.env.DOCS_EXAMPLES_DRAFT) {
                console.log(`${where} (${error.message}):\n${output.body}\n`);
                return;
              }
              if (!(error instanceof Mismatch) || late) {
                throw error instanceof Mismatch
                  ? new Error(
                      `${where}: the answer differs from the docs (${error.message}).\nThe server answered:\n${render(output)}`,
                    )
                  : error;
              }
              await new Promise((resolve) => setTimeout(resolve, 200));
            }
          }
        } catch (error) {
          broken = example.name;
          if (error instanceof Error && !error.message.startsWith(where)) {
            error.message = `${where}: ${error.message}`;
          }
          throw error;
        }
      }, 60_000);
    }
  });
}
