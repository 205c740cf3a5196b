import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

// Malformed values for every argument and input field of the schema, chosen
// deterministically (a seeded generator), so a failure can be replayed.

/** mulberry32: a small, well-known seeded PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzValue {
  label: string;
  value: unknown;
}

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const v = (label: string, value: unknown): FuzzValue => ({ label, value });

/** Values that no field should choke on, whatever its type. */
const WRONG_TYPES: FuzzValue[] = [
  v('null', null),
  v('true', true),
  v('object', { a: { b: [1] } }),
  v('array', [[['x']]]),
  v(
    '__proto__ object',
    JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}'),
  ),
  v('float', 1.5),
  v('huge number', 1e308),
];

const STRINGS: FuzzValue[] = [
  v('NUL', 'a\u0000b'),
  v('lone high surrogate', 'x\uD800'),
  v('lone low surrogate', '\uDFFFx'),
  v('huge string', 'x'.repeat(60_000)),
  v('huge multibyte string', 'é'.repeat(30_000)),
  v('empty', ''),
  v('white space', ' \t\r\n '),
  v('control characters', '\u0007\u001b[31m\u007f\u0085'),
  v('RTL and emoji', '\u202Eשלום 👍🏽\uFE0F'),
  v('path traversal', '../../../../etc/passwd'),
  v('percent garbage', '%00%2e%2e%ff%'),
  v('markup', '<script>alert(1)</script><img src=x onerror=alert(1)>'),
  v('SQL', "' OR '1'='1'; DROP TABLE posts; --"),
  v('format string', '%s%n%x{0}${x}{{x}}'),
  v('loopback URL', 'http://127.0.0.1:9/%00'),
  v('javascript URL', 'javascript:alert(1)'),
  v('overlong URL', `http://127.0.0.1:9/${'a'.repeat(9_000)}`),
  v('number-like', '1e309'),
  v('full-width digits', '１２'),
  v('huge digits', '99999999999999999999999'),
];

const CURSORS: FuzzValue[] = [
  v('garbage cursor', '!!not base64!!'),
  v('cursor of huge time', b64(`${'9'.repeat(30)}:1`)),
  v('cursor of negative parts', b64('-1:-1')),
  v('cursor with three parts', b64('1:2:3')),
  v('cursor of huge id', b64(`${Date.now()}:${'9'.repeat(25)}`)),
  v('cursor of NUL', b64('\u0000:\u0000')),
];

const IDS: FuzzValue[] = [
  v('id 0', '0'),
  v('id -1', '-1'),
  v('id exponent', '1e3'),
  v('id past bigint', '99999999999999999999'),
  v('id past integer', '2147483648'),
  v('id hex', '0x10'),
  v('id padded', ' 1 '),
  v('id fraction', '1.5'),
  v('id Arabic-Indic digit', '١'),
  v('id as int', 1),
  v('id as negative int', -5),
];

const INTS: FuzzValue[] = [
  v('2^31', 2 ** 31),
  v('-2^31-1', -(2 ** 31) - 1),
  v('int max', 2 ** 31 - 1),
  v('int min', -(2 ** 31)),
  v('zero', 0),
  v('-1', -1),
  v('string number', '12'),
];

const DATES: FuzzValue[] = [
  v('not a date', 'not a date'),
  v('max JS date', '+275760-09-13T00:00:00.000Z'),
  v('min JS date', '-271821-04-20T00:00:00.000Z'),
  v('year 0', '0000-01-01T00:00:00Z'),
  v('Feb 30', '2030-02-30T00:00:00Z'),
  v('epoch', '1970-01-01T00:00:00Z'),
  v('date as number', 1e20),
];

const ENUMS: FuzzValue[] = [
  v('unknown enum', 'NOT_A_VALUE'),
  v('lowercase enum', 'approved'),
  v('enum as number', 1),
];

const LISTS: FuzzValue[] = [
  v('empty list', []),
  v('list of null', [null]),
  v(
    'list of 5,000',
    Array.from({ length: 5_000 }, (_, i) => String(i)),
  ),
  v('list of NUL', ['\u0000']),
  v('nested lists', [[['1']]]),
];

/** The malformed values for an input type: those of its kind, then a seeded sample of the rest. */
export function valuesFor(
  type: GraphQLInputType,
  name: string,
  random: () => number,
  sample = 4,
): FuzzValue[] {
  const nullable = getNullableType(type);
  const named = getNamedType(type);
  const own: FuzzValue[] = [];
  if (isListType(nullable)) own.push(...LISTS);
  if (isScalarType(named) && named.name === 'ID') own.push(...IDS);
  if (isScalarType(named) && named.name === 'Int') own.push(...INTS);
  if (isScalarType(named) && named.name === 'DateTime') own.push(...DATES);
  if (isEnumType(named)) own.push(...ENUMS);
  if (name === 'after') own.push(...CURSORS);
  if (isScalarType(named) && (named.name === 'String' || named.name === 'ID')) {
    own.push(...STRINGS.slice(0, 4)); // NUL, surrogates, huge: for every string
  }
  const pool = [...STRINGS.slice(4), ...WRONG_TYPES, ...INTS, ...IDS, ...DATES];
  const extra: FuzzValue[] = [];
  for (let i = 0; i < sample; i++) extra.push(pool[Math.floor(random() * pool.length)]!);
  return [...own, ...WRONG_TYPES.slice(0, 3), ...extra];
}

/** A plausible value for a field that is not being fuzzed (required arguments and input fields). */
export function goodValue(type: GraphQLInputType, name: string, slug: string): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [goodValue(nullable.ofType, name, slug)];
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0]!.value;
  if (isInputObjectType(named)) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(named.getFields())) {
      if (isNonNullType(field.type)) out[field.name] = goodValue(field.type, field.name, slug);
    }
    return out;
  }
  switch (named.name) {
    case 'ID':
      return '1';
    case 'Int':
      return 1;
    case 'Boolean':
      return true;
    case 'DateTime':
      return '2030-01-01T00:00:00.000Z';
  }
  const strings: Record<string, string> = {
    slug,
    email: 'fuzz@example.org',
    authorEmail: 'fuzz@example.org',
    urlTemplate: 'https://share.example/?u={url}',
    key: 'fuzzkey',
  };
  return strings[name] ?? 'Fuzz value';
}

/** One place to put a malformed value: an argument, or a field of an argument's input object. */
export interface Position {
  label: string;
  field: GraphQLField<unknown, unknown>;
  parent: GraphQLObjectType;
  arg: GraphQLArgument;
  /** Path of input-object field names inside the argument; empty for the argument itself. */
  inputPath: string[];
  type: GraphQLInputType;
}

/** Every argument of every object field, and every input field inside them (one level of nesting and more). */
export function positions(schema: GraphQLSchema): Position[] {
  const out: Position[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args) {
        out.push({
          label: `${type.name}.${field.name}(${arg.name})`,
          field,
          parent: type,
          arg,
          inputPath: [],
          type: arg.type,
        });
        const walk = (input: GraphQLInputType, path: string[], seen: Set<string>) => {
          const named = getNamedType(input);
          if (!isInputObjectType(named) || seen.has(named.name)) return;
          for (const inner of Object.values(named.getFields())) {
            const innerPath = [...path, inner.name];
            out.push({
              label: `${type.name}.${field.name}(${arg.name}.${innerPath.join('.')})`,
              field,
              parent: type,
              arg,
              inputPath: innerPath,
              type: inner.type,
            });
            walk(inner.type, innerPath, new Set([...seen, named.name]));
          }
        };
        walk(arg.type, [], new Set());
      }
    }
  }
  return out;
}

/** The shortest chain of selections from Query to `target`, each with its required arguments filled in. */
export function pathTo(
  schema: GraphQLSchema,
  target: GraphQLObjectType,
  slug: string,
): { open: string; close: string } | null {
  const root = schema.getQueryType()!;
  const queue: { type: GraphQLObjectType; open: string; close: string }[] = [
    { type: root, open: '', close: '' },
  ];
  const seen = new Set([root.name]);
  while (queue.length > 0) {
    const { type, open, close } = queue.shift()!;
    if (type === target) return { open, close };
    // Reader fields first, so the path works anonymously too.
    const fields = Object.values(type.getFields()).sort(
      (a, b) => Number(a.name.startsWith('editor')) - Number(b.name.startsWith('editor')),
    );
    for (const field of fields) {
      const next = getNamedType(field.type);
      if (!isObjectType(next) || seen.has(next.name)) continue;
      seen.add(next.name);
      const args = field.args
        .filter((a) => isNonNullType(a.type))
        .map((a) => `${a.name}: ${JSON.stringify(goodValue(a.type, a.name, slug))}`);
      const call = args.length ? `${field.name}(${args.join(', ')})` : field.name;
      queue.push({ type: next, open: `${open}${call} { `, close: ` __typename }${close}` });
    }
  }
  return null;
}
