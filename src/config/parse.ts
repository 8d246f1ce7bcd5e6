/**
 * One config file's text → desired workspaces, or every issue with its position. Pure: the
 * caller reads the file (load.ts). The JSON Schema decides what is valid
 * (src/schema/validate.ts); this module parses, places each schema error on the line and
 * column it concerns, merges `defaults` into the entries and checks identities.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { formatIssue, type ConfigIssue, type SourcePosition } from '../errors.js';
import { WRITABLE_FIELDS } from '../schema/fields.js';
import { describeSchemaErrors, describeValue, type SchemaIssue } from '../schema/messages.js';
import { validateConfigData } from '../schema/validate.js';
import { buildBlocks, checkBlockRules } from './blocks.js';
import { findDuplicateIdentities, type EntryIdentity } from './duplicates.js';
import type { DesiredWorkspace, UnmanagedPolicy } from './types.js';
import {
  findExpansionOverflow,
  findUnsafeIntegers,
  issueAt,
  NodeLocator,
  nodeOffset,
  parseYamlSource,
  positionAt,
  type YamlSource,
} from './yaml-source.js';

/** The largest config file orws reads: 10 MiB. A larger file is refused unread. */
export const MAX_CONFIG_BYTES = 10 * 1024 * 1024;

/**
 * How many alias expansions a file may cause (the `yaml` package counts each use of an
 * anchor, weighted by the aliases inside it). High enough for an anchor reused by many
 * entries, low enough to stop an alias bomb ("billion laughs") long before it eats memory.
 */
export const MAX_ALIAS_COUNT = 1000;

/**
 * How many nodes a file may hold once every alias is expanded. The alias count alone does
 * not bound the work (one anchored list of a million ids used by 899 aliases is under
 * {@link MAX_ALIAS_COUNT}); this does, and it is checked before any value is built.
 */
export const MAX_EXPANDED_NODES = 1_000_000;

/** Text that may hold an integer a JavaScript number cannot hold exactly (see parseConfigFile). */
const MAY_HOLD_UNSAFE_INTEGER =
  /\d{16}|(?<![\w.-])[-+]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+(?![\w.-])|0x[\dA-Fa-f]{14}|0o[0-7]{18}/;

/** What one file yields before identities are compared across files. */
export interface ParsedConfigFile {
  /** The valid entries, with defaults merged in; trustworthy only when `issues` is empty. */
  workspaces: DesiredWorkspace[];
  /** Slug and id of every entry that has them, valid or not, for duplicate checks. */
  identities: EntryIdentity[];
  /** Everything wrong with the file, except duplicates (see {@link findDuplicateIdentities}). */
  issues: ConfigIssue[];
  /** The file's `unmanaged:` policy; absent when the file does not say. */
  unmanaged?: UnmanagedPolicy;
}

/**
 * Parses and validates the text of one config file named `file` (used in positions only).
 * Every issue of the file is returned, in line order; the workspaces are those of its
 * entries, with the file's `defaults` merged in: act on them only when `issues` is empty.
 * Duplicate slugs and ids within the file are issues too.
 */
export function parseConfigText(
  text: string,
  file: string,
): { workspaces: DesiredWorkspace[]; issues: ConfigIssue[]; unmanaged: UnmanagedPolicy } {
  const parsed = parseConfigFile(text, file);
  const issues = sortIssues(
    [...parsed.issues, ...findDuplicateIdentities(parsed.identities)],
    [file],
  );
  return { workspaces: parsed.workspaces, issues, unmanaged: parsed.unmanaged ?? 'allow' };
}

/**
 * Like {@link parseConfigText}, without the duplicate check, so that a caller reading many
 * files can check identities across all of them at once (load.ts).
 */
export function parseConfigFile(text: string, file: string): ParsedConfigFile {
  const result: ParsedConfigFile = { workspaces: [], identities: [], issues: [] };
  if (text.length > MAX_CONFIG_BYTES) {
    result.issues.push({ file, line: 1, col: 1, message: describeTooLarge() });
    return result;
  }
  const source = parseYamlSource(text, file);
  result.issues.push(...source.issues);
  // A file that is not well-formed YAML is not validated: its content is a guess.
  if (source.failed) return result;

  const root = source.doc.contents;
  // A file of comments only has no content; one of `---` only has an empty scalar.
  if (
    root === null ||
    (isScalar(root) && root.value === null && nodeOffset(root) === root.range[1])
  ) {
    result.issues.push({
      file,
      line: 1,
      col: 1,
      message: 'the file is empty: a config needs "version: 1" and a "workspaces" list',
    });
    return result;
  }
  const rootOffset = nodeOffset(root) ?? 0;
  if (!isMap(root)) {
    const message = `the file must be a mapping with "version" and "workspaces" keys (got ${describeNodeKind(root)})`;
    result.issues.push(issueAt(source, rootOffset, message));
    return result;
  }

  // Both walks below look for what the text shows first: an integer beyond 2^53−1 is written
  // with 16 or more digits, an exponent, or 14 hex or 18 octal digits; an alias with a `*`.
  // A file with neither (most configs) is not walked again.
  const unsafeIntegers = MAY_HOLD_UNSAFE_INTEGER.test(text) ? findUnsafeIntegers(source.doc) : [];
  for (const node of unsafeIntegers) {
    const written = node.range ? text.slice(node.range[0], node.range[1]).trim() : '';
    const shown = written === '' || written.length > 40 ? 'this number' : written;
    result.issues.push(
      issueAt(
        source,
        nodeOffset(node) ?? rootOffset,
        `${shown} is beyond the integers orws reads exactly (at most ${Number.MAX_SAFE_INTEGER}): it would be read as ${String((node as { value?: unknown }).value)}`,
      ),
    );
  }
  const locator = new NodeLocator(source.doc);
  const overflow = text.includes('*')
    ? findExpansionOverflow(source.doc, MAX_EXPANDED_NODES, locator.anchors())
    : undefined;
  if (overflow !== undefined) {
    result.issues.push(
      issueAt(
        source,
        nodeOffset(overflow.alias) ?? rootOffset,
        `alias *${overflow.alias.source} expands the document past ${MAX_EXPANDED_NODES} values: this looks like an alias bomb; write the values out or use defaults`,
      ),
    );
    return result;
  }

  let data: unknown;
  try {
    data = source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    result.issues.push(describeConversionFailure(error, source, locator, rootOffset));
    return result;
  }

  const writtenAt = (path: readonly string[]): string | undefined => {
    const { node } = locator.locate(path);
    if (!isScalar(node) || !node.range) return undefined;
    const written = text.slice(node.range[0], node.range[1]).trim();
    return written === '' || written.length > 60 ? undefined : written;
  };
  const schemaIssues = [
    ...describeSchemaErrors(validateConfigData(data), data, writtenAt),
    ...describeRuleErrors(data),
  ];
  const badEntries = new Set<number>();
  let badDefaults = false;
  for (const issue of schemaIssues) {
    const offset =
      issue.key === undefined
        ? locateValue(locator, issue.path)
        : locator.locateKey(issue.path, issue.key)?.range?.[0];
    result.issues.push(issueAt(source, offset ?? rootOffset, issue.message));
    if (issue.path[0] === 'defaults') badDefaults = true;
    if (issue.path[0] === 'workspaces' && issue.path[1] !== undefined)
      badEntries.add(Number(issue.path[1]));
  }

  if (isPlainObject(data) && (data.unmanaged === 'allow' || data.unmanaged === 'forbid'))
    result.unmanaged = data.unmanaged;
  collectEntries(data, source, locator, rootOffset, badEntries, badDefaults, result);
  return result;
}

/** The block rules (blocks.ts) of defaults and of every entry. */
function describeRuleErrors(data: unknown): SchemaIssue[] {
  if (!isPlainObject(data)) return [];
  const issues: SchemaIssue[] = [];
  if (isPlainObject(data.defaults)) issues.push(...checkBlockRules(data.defaults, ['defaults']));
  if (Array.isArray(data.workspaces)) {
    for (const [index, entry] of (data.workspaces as unknown[]).entries())
      if (isPlainObject(entry))
        issues.push(...checkBlockRules(entry, ['workspaces', String(index)]));
  }
  return issues;
}

/**
 * Sorts issues by file (in the order given; unknown files first), line and column, keeping
 * the order of issues at the same place, and drops exact repeats (an entry reached twice
 * through an alias reports the same fault twice).
 */
export function sortIssues(
  issues: readonly ConfigIssue[],
  files: readonly string[],
): ConfigIssue[] {
  const order = new Map(files.map((file, index) => [file, index]));
  const seen = new Set<string>();
  return issues
    .filter((issue) => {
      const key = formatIssue(issue);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort(
      (a, b) =>
        (order.get(a.file) ?? -1) - (order.get(b.file) ?? -1) || a.line - b.line || a.col - b.col,
    );
}

/** The message for a file over {@link MAX_CONFIG_BYTES}; `bytes` when known. */
export function describeTooLarge(bytes?: number): string {
  const size = bytes === undefined ? 'larger than 10 MiB' : `${bytes} bytes`;
  return `the file is ${size}; orws reads config files of at most 10 MiB (${MAX_CONFIG_BYTES} bytes): split it into a directory of files`;
}

function collectEntries(
  data: unknown,
  source: YamlSource,
  locator: NodeLocator,
  rootOffset: number,
  badEntries: ReadonlySet<number>,
  badDefaults: boolean,
  result: ParsedConfigFile,
): void {
  if (!isPlainObject(data) || !Array.isArray(data.workspaces)) return;
  const entries: unknown[] = data.workspaces;
  const defaults = isPlainObject(data.defaults) ? data.defaults : {};
  const list = locator.resolve(locator.locate(['workspaces']).node);
  const items: readonly unknown[] = isSeq(list) ? list.items : [];
  for (const [index, entry] of entries.entries()) {
    const item = items[index];
    const offset = isNode(item) ? nodeOffset(item) : undefined;
    const position = positionAt(source, offset ?? rootOffset);
    if (!isPlainObject(entry)) continue;
    result.identities.push(identityOf(entry, position));
    if (!badEntries.has(index) && !badDefaults) {
      const keyPosition = (key: string): SourcePosition => {
        const node = locator.locateKey(['workspaces', String(index)], key);
        return node?.range ? positionAt(source, node.range[0]) : position;
      };
      result.workspaces.push(buildWorkspace(entry, defaults, position, keyPosition));
    }
  }
}

function identityOf(entry: Record<string, unknown>, source: SourcePosition): EntryIdentity {
  const identity: EntryIdentity = { source };
  if (typeof entry.slug === 'string') identity.slug = entry.slug;
  if (typeof entry.id === 'string') identity.id = entry.id.toLowerCase();
  return identity;
}

/**
 * One valid entry as a DesiredWorkspace: every writable field the entry sets, else the
 * file's default for it; an entry's own value wins, `null` included. Lists are copied, so
 * that no two workspaces share one (aliases and defaults would otherwise make them share).
 * The id is lower-cased: the API's ids are, and an id pins identity.
 */
function buildWorkspace(
  entry: Record<string, unknown>,
  defaults: Record<string, unknown>,
  source: SourcePosition,
  keyPosition: (key: string) => SourcePosition,
): DesiredWorkspace {
  const fields: Record<string, unknown> = {};
  for (const field of WRITABLE_FIELDS) {
    if (Object.hasOwn(entry, field)) fields[field] = copyValue(entry[field]);
    else if (Object.hasOwn(defaults, field)) fields[field] = copyValue(defaults[field]);
  }
  // The schema has checked every value against its field's type.
  const workspace: DesiredWorkspace = {
    slug: String(entry.slug),
    fields,
    source,
  };
  if (typeof entry.id === 'string') workspace.id = entry.id.toLowerCase();
  Object.assign(workspace, buildBlocks(entry, defaults, keyPosition));
  return workspace;
}

function describeConversionFailure(
  error: unknown,
  source: YamlSource,
  locator: NodeLocator,
  rootOffset: number,
): ConfigIssue {
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('Excessive alias count')) {
    return issueAt(
      source,
      rootOffset,
      `too many alias expansions (over ${MAX_ALIAS_COUNT}): this looks like an alias bomb; write the values out or use defaults`,
    );
  }
  if (message.startsWith('Unresolved alias')) {
    const alias = locator.firstUnresolvedAlias();
    const name = alias ? alias.source : '';
    const offset = alias ? nodeOffset(alias) : undefined;
    return issueAt(source, offset ?? rootOffset, `alias *${name} has no anchor &${name} before it`);
  }
  return issueAt(source, rootOffset, `cannot read the YAML document: ${message}`);
}

function locateValue(locator: NodeLocator, path: readonly string[]): number | undefined {
  const { node, key } = locator.locate(path);
  return nodeOffset(node, key);
}

function describeNodeKind(node: Node): string {
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return describeValue(node.value);
  return 'an alias or another kind of node';
}

function copyValue(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const items: readonly unknown[] = value;
  return items.slice();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}
