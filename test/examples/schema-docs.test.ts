import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { WRITABLE_FIELDS } from '../../src/schema/fields.js';
import { ROOT } from '../helpers/cli.js';

/** Just enough of a JSON Schema to walk it. */
interface Node {
  $ref?: string;
  title?: unknown;
  description?: unknown;
  examples?: unknown;
  properties?: Record<string, Node>;
  items?: Node;
}

const schema = JSON.parse(
  readFileSync(join(ROOT, 'schema/workspaces.schema.json'), 'utf8'),
) as Node & {
  $id: string;
  definitions: Record<string, Node>;
};

/** A local `$ref` resolved, the referring node's own keywords winning (as an editor's hover shows them). */
function resolveNode(node: Node): Node {
  if (node.$ref === undefined) return node;
  const name = /^#\/definitions\/([^/]+)$/.exec(node.$ref)?.[1];
  const target = name === undefined ? undefined : schema.definitions[name];
  if (target === undefined) throw new Error(`unresolved $ref ${node.$ref}`);
  return { ...resolveNode(target), ...node };
}

/** Every property reachable from the root, through `$ref` and array items, with its JSON pointer. */
function properties(node: Node, pointer: string): { name: string; pointer: string; node: Node }[] {
  const found: { name: string; pointer: string; node: Node }[] = [];
  const here = resolveNode(node);
  const base = node.$ref === undefined ? pointer : node.$ref.slice(1);
  for (const [name, child] of Object.entries(here.properties ?? {})) {
    const childPointer = `${base}/properties/${name}`;
    found.push(
      { name, pointer: childPointer, node: resolveNode(child) },
      ...properties(child, childPointer),
    );
  }
  if (here.items !== undefined) found.push(...properties(here.items, `${base}/items`));
  return found;
}

const all = properties(schema, '');
const ajv = new Ajv({ strict: true }).addSchema(schema);

describe('schema/workspaces.schema.json documents every field for editors', () => {
  it('reaches every property: the top level, every workspace field and every default', () => {
    const names = (prefix: string) => [
      ...new Set(
        all
          .filter((p) => p.pointer.startsWith(prefix))
          .map((p) => p.name)
          .sort(),
      ),
    ];
    const top = all.filter((p) => /^\/properties\/[^/]+$/.test(p.pointer)).map((p) => p.name);
    expect(top.sort()).toEqual(['defaults', 'unmanaged', 'version', 'workspaces']);
    const own = (prefix: string) =>
      all.filter((p) => new RegExp(`^${prefix}[^/]+$`).test(p.pointer)).map((p) => p.name);
    expect(own('/definitions/workspace/properties/').sort()).toEqual(
      ['id', ...WRITABLE_FIELDS, 'budgets', 'guardrail', 'members'].sort(),
    );
    expect(own('/definitions/defaults/properties/').sort()).toEqual(
      [
        ...WRITABLE_FIELDS.filter((f) => f !== 'name' && f !== 'slug'),
        'budgets',
        'guardrail',
      ].sort(),
    );
    // The blocks' own keys are reached too, so each is documented for editors.
    expect(names('/definitions/budgets/')).toEqual([
      'daily',
      'include_byok',
      'lifetime',
      'monthly',
      'weekly',
    ]);
    expect(names('/definitions/guardrail/')).toEqual(
      expect.arrayContaining(['limit_usd', 'content_filter_builtins']),
    );
    expect(names('/definitions/content_filter_builtin/')).toEqual(['action', 'slug']);
    expect(names('/definitions/content_filter/')).toEqual(['action', 'label', 'pattern']);
  });

  it.each(all.map((p) => [p.pointer, p.node] as const))(
    '%s has a title, a description and examples',
    (_pointer, node) => {
      expect(typeof node.title === 'string' && node.title.length > 0).toBe(true);
      expect(typeof node.description === 'string' && node.description.length > 0).toBe(true);
      expect(Array.isArray(node.examples) && node.examples.length > 0).toBe(true);
    },
  );

  it('the entries of workspaces and defaults have a title, a description and examples too (hover on a list item)', () => {
    for (const name of [
      'workspace',
      'defaults',
      'budgets',
      'guardrail',
      'members',
      'content_filter_builtin',
      'content_filter',
    ]) {
      const node = schema.definitions[name];
      expect(node?.title, name).toEqual(expect.any(String));
      expect(node?.description, name).toEqual(expect.any(String));
      expect(node?.examples, name).toEqual(expect.arrayContaining([expect.anything()]));
    }
  });

  it.each(all.map((p) => [p.pointer, p.node] as const))(
    'every example of %s is valid there',
    (pointer, node) => {
      const validate = ajv.compile({ $ref: `${schema.$id}#${pointer}` });
      for (const example of node.examples as unknown[]) {
        expect(validate(example), JSON.stringify(example)).toBe(true);
      }
    },
  );
});
