import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapeHtml } from '../../lib/html.js';

// The small part of XML-RPC (https://xmlrpc.com/spec.md) that pingbacks need,
// both ways: parsing calls and responses, writing calls, responses and faults.

export type XmlRpcValue =
  string | number | boolean | XmlRpcValue[] | { [member: string]: XmlRpcValue };

/** Standard XML-RPC interoperability fault codes (for errors that are not pingback's own). */
export const XMLRPC_FAULTS = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
} as const;

export class XmlRpcError extends Error {
  override name = 'XmlRpcError';
  constructor(
    readonly faultCode: number,
    message: string,
  ) {
    super(message);
  }
}

interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

type Ordered = Record<string, unknown>[];

function toNodes(items: Ordered): XmlNode[] {
  const nodes: XmlNode[] = [];
  for (const item of items) {
    for (const [key, value] of Object.entries(item)) {
      if (key === '#text' || key === ':@') continue;
      const children = Array.isArray(value) ? (value as Ordered) : [];
      nodes.push({
        name: key,
        children: toNodes(children),
        text: children.map((c) => (typeof c['#text'] === 'string' ? c['#text'] : '')).join(''),
      });
    }
  }
  return nodes;
}

// A pingback call nests 5 elements (methodCall params param value string) and a fault response 7;
// deeper documents are refused as parse errors.
const MAX_NESTING = 32;

const parser = new XMLParser({
  maxNestedTags: MAX_NESTING,
  preserveOrder: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** The document's root element, after refusing anything that is not plain well-formed XML. */
function parseRoot(xml: string): XmlNode {
  // XML-RPC never needs a DTD; refusing it rules out entity expansion attacks.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new XmlRpcError(XMLRPC_FAULTS.parseError, 'DOCTYPE declarations are not allowed');
  }
  // XML 1.0 has no NUL character, raw or as a reference.
  if (xml.includes('\u0000') || /&#(?:0*|x0*);/i.test(xml)) {
    throw new XmlRpcError(XMLRPC_FAULTS.parseError, 'NUL characters are not allowed in XML');
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new XmlRpcError(
      XMLRPC_FAULTS.parseError,
      `${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`,
    );
  }
  let parsed: Ordered;
  try {
    parsed = parser.parse(xml) as Ordered;
  } catch (error) {
    // The parser's own limits (e.g. nesting deeper than MAX_NESTING) are parse errors too.
    throw new XmlRpcError(XMLRPC_FAULTS.parseError, (error as Error).message);
  }
  const roots = toNodes(parsed);
  if (roots.length !== 1) {
    throw new XmlRpcError(XMLRPC_FAULTS.parseError, 'expected exactly one root element');
  }
  return roots[0]!;
}

function child(node: XmlNode, name: string): XmlNode | undefined {
  return node.children.find((c) => c.name === name);
}

function decodeValue(value: XmlNode): XmlRpcValue {
  const typed = value.children[0];
  if (!typed) return value.text; // <value>text</value> is a string
  switch (typed.name) {
    case 'string':
      return typed.text;
    case 'i4':
    case 'i8':
    case 'int':
    case 'double': {
      const n = Number(typed.text.trim());
      if (typed.text.trim() === '' || Number.isNaN(n)) {
        throw new XmlRpcError(XMLRPC_FAULTS.invalidRequest, `bad ${typed.name} value`);
      }
      return n;
    }
    case 'boolean':
      return typed.text.trim() === '1';
    case 'dateTime.iso8601':
    case 'base64':
      return typed.text.trim();
    case 'array':
      return (child(typed, 'data')?.children ?? [])
        .filter((c) => c.name === 'value')
        .map(decodeValue);
    case 'struct': {
      const out: Record<string, XmlRpcValue> = {};
      for (const member of typed.children.filter((c) => c.name === 'member')) {
        const name = child(member, 'name');
        const v = child(member, 'value');
        if (!name || !v) throw new XmlRpcError(XMLRPC_FAULTS.invalidRequest, 'bad struct member');
        out[name.text] = decodeValue(v);
      }
      return out;
    }
    default:
      throw new XmlRpcError(XMLRPC_FAULTS.invalidRequest, `unknown value type ${typed.name}`);
  }
}

export interface MethodCall {
  methodName: string;
  params: XmlRpcValue[];
}

/** Parses a <methodCall>; throws XmlRpcError (parse error or invalid request). */
export function parseMethodCall(xml: string): MethodCall {
  const root = parseRoot(xml);
  const methodName =
    root.name === 'methodCall' ? child(root, 'methodName')?.text.trim() : undefined;
  if (!methodName) {
    throw new XmlRpcError(XMLRPC_FAULTS.invalidRequest, 'expected a methodCall with a methodName');
  }
  const params = (child(root, 'params')?.children ?? [])
    .filter((p) => p.name === 'param')
    .map((p) => {
      const value = child(p, 'value');
      if (!value) throw new XmlRpcError(XMLRPC_FAULTS.invalidRequest, 'a param has no value');
      return decodeValue(value);
    });
  return { methodName, params };
}

export type MethodResponse =
  { ok: true; value: XmlRpcValue } | { ok: false; faultCode: number; faultString: string };

/** Parses a <methodResponse> (a value or a fault); throws XmlRpcError when it is neither. */
export function parseMethodResponse(xml: string): MethodResponse {
  const root = parseRoot(xml);
  if (root.name !== 'methodResponse') {
    throw new XmlRpcError(XMLRPC_FAULTS.invalidRequest, 'expected a methodResponse');
  }
  const fault = child(root, 'fault');
  if (fault) {
    const value = child(fault, 'value');
    const struct = value ? decodeValue(value) : {};
    const f = (typeof struct === 'object' && !Array.isArray(struct) ? struct : {}) as Record<
      string,
      XmlRpcValue
    >;
    return {
      ok: false,
      faultCode: typeof f.faultCode === 'number' ? f.faultCode : 0,
      faultString: typeof f.faultString === 'string' ? f.faultString : '',
    };
  }
  const value = child(child(child(root, 'params') ?? root, 'param') ?? root, 'value');
  if (!value) throw new XmlRpcError(XMLRPC_FAULTS.invalidRequest, 'a response without a value');
  return { ok: true, value: decodeValue(value) };
}

const PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n';

function stringValue(text: string): string {
  return `<value><string>${escapeHtml(text)}</string></value>`;
}

export function methodCallXml(methodName: string, params: string[]): string {
  const body = params.map((p) => `<param>${stringValue(p)}</param>`).join('');
  return `${PROLOG}<methodCall><methodName>${escapeHtml(methodName)}</methodName><params>${body}</params></methodCall>\n`;
}

export function responseXml(value: string): string {
  return `${PROLOG}<methodResponse><params><param>${stringValue(value)}</param></params></methodResponse>\n`;
}

export function faultXml(faultCode: number, faultString: string): string {
  return (
    `${PROLOG}<methodResponse><fault><value><struct>` +
    `<member><name>faultCode</name><value><int>${Math.trunc(faultCode)}</int></value></member>` +
    `<member><name>faultString</name>${stringValue(faultString)}</member>` +
    `</struct></value></fault></methodResponse>\n`
  );
}
