// Replaying a docs example against a test server: running its command,
// comparing what it printed with the answer on the page (placeholders, `…`,
// JSON compared as JSON), and repeating a `retry` example until it matches.
// The format is described in docs/README.md ("Examples that cannot rot").
import { colloquy } from './cli.js';
import {
  DOC_ORIGIN,
  parseCommand,
  type CliCommand,
  type Example,
  type HttpCommand,
} from './doc-examples.js';
import type { TestServer } from './server.js';

/** How long a `retry` example is repeated until its answer matches. */
const RETRY_FOR_MS = 10_000;

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

/**
 * Runs an example's command and matches its answer, for up to RETRY_FOR_MS if
 * the example says `retry`; returns the variables with those the answer
 * captured. With DOCS_EXAMPLES_DRAFT set, prints an answer that differs
 * instead of failing (the variables then stay as they were).
 */
export async function replay(
  server: TestServer,
  example: Example,
  vars: Vars,
  where: string,
): Promise<Map<string, string>> {
  const command = parseCommand(example.command.text, vars);
  const show = command.kind === 'cli' ? 'cli' : command.show;
  const deadline = Date.now() + (example.retry ? RETRY_FOR_MS : 0);
  for (;;) {
    const output = await run(server, command);
    try {
      return matchAnswer(example, show, output, vars);
    } catch (error) {
      const late = Date.now() >= deadline;
      if (error instanceof Mismatch && late && process.env.DOCS_EXAMPLES_DRAFT) {
        console.log(`${where} (${error.message}):\n${output.body}\n`);
        return new Map(vars);
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
}
