/**
 * The YAML side of the config loader: parsing one file's text with positions, turning the
 * `yaml` package's errors into issues, and finding the node (hence the line and column) that
 * a JSON path names. The `yaml` package's types stay in this module and parse.ts.
 */
import {
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  Document,
  type Alias,
  type Node,
  type Pair,
  type YAMLError,
} from 'yaml';
import type { ConfigIssue, SourcePosition } from '../errors.js';

/** A parsed file: the document, where its offsets fall, and what went wrong reading it. */
export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** YAML errors and warnings, as issues. */
  issues: ConfigIssue[];
  /** True when the text is not well-formed YAML: its content must not be used. */
  failed: boolean;
}

/**
 * Parses the text of one config file as a single YAML 1.2 document with the core schema,
 * whatever `%YAML` directive it carries, so that `yes`/`on` stay strings, `<<` stays a key
 * and tags such as `!!binary` are not resolved. Every syntax error is returned (the `yaml`
 * package keeps going after the first); warnings (unknown tags, directives) are issues too.
 */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    version: '1.2',
    schema: 'core',
    merge: false,
    resolveKnownTags: false,
    // yaml's own check compares every key with every other key of its mapping (quadratic:
    // 20,000 keys take 10 s); duplicates are found below with one Map per mapping instead.
    uniqueKeys: false,
    // Not 'silent': that also drops the multiple-documents error. 'error' only stops console warnings.
    logLevel: 'error',
  });
  const duplicateKeys = findDuplicateKeys(doc);
  const source: YamlSource = {
    file,
    doc,
    lineCounter,
    issues: [],
    failed: doc.errors.length > 0 || duplicateKeys.size > 0,
  };
  for (const error of doc.errors) {
    source.issues.push(issueAt(source, error.pos[0], describeYamlError(error)));
  }
  for (const [offset, duplicate] of duplicateKeys)
    source.issues.push(issueAt(source, offset, describeDuplicateKey(duplicate, source)));
  for (const warning of doc.warnings) {
    // Tags are shown as written (`!!binary`), not as their URI (`tag:yaml.org,2002:binary`).
    const message = lowerFirst(warning.message).replace(/tag:yaml\.org,2002:/g, '!!');
    const hint =
      warning.code === 'TAG_RESOLVE_FAILED'
        ? '; write a plain string, number, boolean, null, list or mapping'
        : '';
    source.issues.push(issueAt(source, warning.pos[0], `invalid YAML: ${message}${hint}`));
  }
  return source;
}

/** The 1-based position of a source offset. */
export function positionAt(source: YamlSource, offset: number): SourcePosition {
  const { line, col } = source.lineCounter.linePos(offset);
  return { file: source.file, line, col };
}

/** An issue at a source offset. */
export function issueAt(source: YamlSource, offset: number, message: string): ConfigIssue {
  return { ...positionAt(source, offset), message };
}

/**
 * Where a node starts. An empty value (`name:` followed by nothing) has no text of its own,
 * so it is reported at its key when one is given.
 */
export function nodeOffset(node: Node | null | undefined, key?: Node | null): number | undefined {
  const range = node?.range;
  if (range && range[0] < range[1]) return range[0];
  if (key?.range) return key.range[0];
  return range?.[0];
}

/**
 * Finds nodes by JSON path (segments as strings, list indices in decimal) in one document,
 * following aliases to their anchors. Built once per document; aliases are resolved from
 * one walk, so that locating many errors stays linear.
 */
export class NodeLocator {
  readonly #doc: Document.Parsed;
  #anchors: Map<Alias, Node | undefined> | undefined;

  constructor(doc: Document.Parsed) {
    this.#doc = doc;
  }

  /**
   * The node at `path` (null if the path leads nowhere) and the key node of the last
   * mapping step, if any. An alias at the end of the path is returned as is: its position
   * is where the value is used.
   */
  locate(path: readonly string[]): { node: Node | null; key: Node | null } {
    let node: Node | null = this.#doc.contents;
    let key: Node | null = null;
    for (const segment of path) {
      const container = this.resolve(node);
      if (isMap(container)) {
        const pair = findPair(container.items, segment);
        if (!pair) return { node: null, key: null };
        key = isNodeLike(pair.key) ? pair.key : null;
        node = isNodeLike(pair.value) ? pair.value : null;
      } else if (isSeq(container)) {
        const item: unknown = container.items[Number(segment)];
        if (!isNodeLike(item)) return { node: null, key: null };
        node = item;
        key = null;
      } else {
        return { node: null, key: null };
      }
    }
    return { node, key };
  }

  /** The key node `key` of the mapping at `path`, if both exist. */
  locateKey(path: readonly string[], key: string): Node | null {
    const container = this.resolve(this.locate(path).node);
    if (!isMap(container)) return null;
    const pair = findPair(container.items, key);
    return pair && isNodeLike(pair.key) ? pair.key : null;
  }

  /** Every alias and the node it names (undefined: no anchor of its name before it), in document order. */
  anchors(): ReadonlyMap<Alias, Node | undefined> {
    this.#anchors ??= resolveAliases(this.#doc);
    return this.#anchors;
  }

  /** The first alias, in document order, with no anchor of its name before it. */
  firstUnresolvedAlias(): Alias | undefined {
    for (const [alias, target] of this.anchors()) if (target === undefined) return alias;
    return undefined;
  }

  /** Follows an alias to the node it names (the last anchor of that name before it). */
  resolve(node: Node | null): Node | null {
    if (!isAlias(node)) return node;
    return this.anchors().get(node) ?? null;
  }
}

/** The string a key becomes in the JavaScript value, as `yaml`'s `toJS` makes it. */
export function keyString(key: unknown): string {
  // A collection used as a key (`? [x, y]`): yaml's toJS writes it as flow YAML text, and so
  // must this, or the key's error cannot be placed at its line.
  if (isCollection(key)) {
    const copy = key.clone();
    copy.flow = true;
    return new Document(copy, { version: '1.2' }).toString().trimEnd();
  }
  const value: unknown = isScalar(key) ? key.value : key;
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      return '';
  }
}

function findPair(items: readonly Pair[], key: string): Pair | undefined {
  // The last pair wins, as in toJS (duplicate keys are errors reported before this runs).
  for (let i = items.length - 1; i >= 0; i--) {
    const pair = items[i];
    if (pair && keyString(pair.key) === key) return pair;
  }
  return undefined;
}

function isNodeLike(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}

function resolveAliases(doc: Document.Parsed): Map<Alias, Node | undefined> {
  const anchors = new Map<string, Node>();
  const resolved = new Map<Alias, Node | undefined>();
  visit(doc, (_key, node) => {
    if (isAlias(node)) resolved.set(node, anchors.get(node.source));
    else if ((isScalar(node) || isMap(node) || isSeq(node)) && node.anchor)
      anchors.set(node.anchor, node);
  });
  return resolved;
}

/** A key set twice in one mapping: its text, and the offset where it was first set. */
interface DuplicateKey {
  key: string;
  first: number | undefined;
}

/** For each duplicate key, by the offset of its repeat. */
function findDuplicateKeys(doc: Document.Parsed): Map<number, DuplicateKey> {
  const found = new Map<number, DuplicateKey>();
  visit(doc, {
    Map(_key, map) {
      const firstByKey = new Map<string, number | undefined>();
      for (const pair of map.items) {
        const name = keyString(pair.key);
        const offset = isNodeLike(pair.key) ? pair.key.range?.[0] : undefined;
        if (!firstByKey.has(name)) firstByKey.set(name, offset);
        else if (offset !== undefined)
          found.set(offset, { key: name, first: firstByKey.get(name) });
      }
    },
  });
  return found;
}

function describeYamlError(error: YAMLError): string {
  switch (error.code) {
    case 'MULTIPLE_DOCS':
      return 'multiple YAML documents in one file: a config file holds one; remove this "---" or move what follows to its own file';
    case 'TAB_AS_INDENT':
      return 'invalid YAML: tabs are not allowed as indentation; indent with spaces';
    case 'RESOURCE_EXHAUSTION':
      return `invalid YAML: the document is nested too deeply to read (${lowerFirst(error.message)})`;
    default:
      return `invalid YAML: ${lowerFirst(error.message)}`;
  }
}

function describeDuplicateKey(duplicate: DuplicateKey, source: YamlSource): string {
  const first = duplicate.first === undefined ? undefined : positionAt(source, duplicate.first);
  const also = first ? `: also at ${first.file}:${first.line}:${first.col}` : '';
  return `duplicate key ${JSON.stringify(duplicate.key)}${also}; a key may appear once in a mapping`;
}

/** "Map keys must be unique" → "map keys must be unique"; "YAML…" stays. */
function lowerFirst(text: string): string {
  const [first = '', second = ''] = text;
  return second === second.toUpperCase() && second !== second.toLowerCase()
    ? text
    : first.toLowerCase() + text.slice(1);
}

/**
 * The first alias, in document order, at which the document expanded (every alias replaced by
 * a copy of what it names) grows past `limit` nodes, and the size reached there. An alias
 * count alone does not bound the work: one anchored list of a million items used by 899
 * aliases stays under any sensible alias limit and still builds 900 million values. Sizes
 * are computed once per anchored node, so this costs one walk of the document as written.
 * `anchors` maps every alias to the node it names (`NodeLocator.anchors()`).
 */
export function findExpansionOverflow(
  doc: Document.Parsed,
  limit: number,
  anchors: ReadonlyMap<Alias, Node | undefined>,
): { alias: Alias; size: number } | undefined {
  const sizes = new Map<Node, number>();
  const inProgress = new Set<Node>();
  const sizeOf = (node: unknown): number => {
    if (isAlias(node)) {
      const target = anchors.get(node);
      // An alias inside the node it names cannot be expanded; toJS reports it.
      return target === undefined || inProgress.has(target) ? 1 : sizeOf(target);
    }
    if (!isMap(node) && !isSeq(node)) return isNodeLike(node) ? 1 : 0;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    inProgress.add(node);
    let size = 1;
    for (const item of node.items as readonly unknown[]) {
      size += isPairLike(item) ? sizeOf(item.key) + sizeOf(item.value) : sizeOf(item);
      if (size > limit) break;
    }
    inProgress.delete(node);
    sizes.set(node, size);
    return size;
  };

  let total = 0;
  let found: { alias: Alias; size: number } | undefined;
  const walk = (node: unknown): void => {
    if (found !== undefined) return;
    if (isAlias(node)) {
      total += sizeOf(node);
      if (total > limit) found = { alias: node, size: total };
      return;
    }
    if (isMap(node) || isSeq(node)) {
      total += 1;
      for (const item of node.items as readonly unknown[]) {
        if (isPairLike(item)) {
          walk(item.key);
          walk(item.value);
        } else walk(item);
      }
    } else if (isNodeLike(node)) total += 1;
  };
  walk(doc.contents);
  return found;
}

/**
 * Numbers that the document holds as integers but that a JavaScript number cannot hold
 * exactly (beyond ±2^53−1): `9007199254740993` would be read as …992, `1e20` is no id.
 * Reported rather than rounded, since a rounded key id names another key.
 */
export function findUnsafeIntegers(doc: Document.Parsed): Node[] {
  const found: Node[] = [];
  visit(doc, {
    Scalar(_key, node) {
      const value = node.value;
      if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value))
        found.push(node);
    },
  });
  return found;
}

function isPairLike(value: unknown): value is { key: unknown; value: unknown } {
  return typeof value === 'object' && value !== null && 'key' in value && 'value' in value;
}
