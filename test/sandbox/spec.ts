/**
 * The vendored OpenAPI document, compiled at test time with ajv's full compiler, so that the
 * sandbox's answers are checked against the spec's FULL response schemas (every required
 * field, enum and format), not against the client's tolerant validators or the sandbox's own
 * code: a schema mistake on one side is then not agreed on by the other.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

const SPEC_ID = 'https://orws.invalid/openapi';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Node = Record<string, unknown>;

/** The parsed document, read once. */
export const spec = parse(
  readFileSync(new URL('../../openapi/management.openapi.yaml', import.meta.url), 'utf8'),
) as { paths: Record<string, Record<string, Node>>; components: { schemas: Record<string, Node> } };

function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string'
        ? value.replace('#/components/schemas/', `${SPEC_ID}#/$defs/`)
        : rebase(value),
    ]),
  );
}

const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
ajv.addVocabulary(['example']);
ajv.addFormat('uuid', UUID);
ajv.addFormat('double', true);
ajv.addSchema({ $id: SPEC_ID, $defs: rebase(spec.components.schemas) as Node });

const compiled = new Map<string, ValidateFunction>();

/** The spec's JSON schema of the response `status` of `METHOD /path` (path as in the spec). */
export function responseSchema(method: string, path: string, status: number): Node {
  const operation = spec.paths[path]?.[method.toLowerCase()];
  const responses = operation?.responses as Record<string, Node> | undefined;
  const content = responses?.[String(status)]?.content as Record<string, Node> | undefined;
  const schema = content?.['application/json']?.schema as Node | undefined;
  if (schema === undefined)
    throw new Error(`the spec has no ${status} answer for ${method} ${path}`);
  return schema;
}

/**
 * The problems of `body` as the answer `status` of `METHOD /path` (the spec's path template,
 * e.g. `/workspaces/{id}/budgets`), per the spec's full schema; empty when it conforms.
 */
export function specProblems(
  method: string,
  path: string,
  status: number,
  body: unknown,
): string[] {
  const key = `${method} ${path} ${status}`;
  let validate = compiled.get(key);
  if (validate === undefined) {
    validate = ajv.compile(rebase(responseSchema(method, path, status)) as Node);
    compiled.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

/** The spec's component schema `name`. */
export function componentSchema(name: string): Node {
  const schema = spec.components.schemas[name];
  if (schema === undefined) throw new Error(`no component schema ${name}`);
  return schema;
}

/** Follows `$ref` and a one-element `allOf` the way the spec wraps `data`. */
export function resolveSchema(node: Node): Node {
  let current = node;
  for (;;) {
    const ref = current.$ref ?? (current.allOf as Node[] | undefined)?.[0]?.$ref;
    if (typeof ref !== 'string') return current;
    current = pointer(ref);
  }
}

/** The node at a JSON pointer (`#/components/schemas/X`, `#/paths/~1models/get/...`). */
export function pointer(ref: string): Node {
  let node: unknown = spec;
  for (const part of ref.replace(/^#\//, '').split('/')) {
    node = (node as Node | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  if (node === undefined) throw new Error(`${ref}: not in the spec`);
  return node as Node;
}

/** Whether the spec documents answer `status` of `METHOD /path` with a JSON schema. */
export function specHasAnswer(method: string, path: string, status: number): boolean {
  try {
    responseSchema(method, path, status);
    return true;
  } catch {
    return false;
  }
}
