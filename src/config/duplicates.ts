import type { ConfigIssue, SourcePosition } from '../errors.js';

/**
 * What identifies one entry of a config: its slug and, when pinned, its id (lower-cased, as
 * UUIDs compare without case). Either may be missing when the entry is invalid.
 */
export interface EntryIdentity {
  slug?: string;
  id?: string;
  source: SourcePosition;
}

/**
 * Finds entries that name the same workspace twice: the same slug, or the same id. Each
 * repeat is reported at its own entry and names the first one, so both places are shown
 * (`duplicate slug "prod": also at a.yaml:3:5`). Identities are taken in the order given,
 * which is file order then document order, across all files at once. Linear: one Map per
 * kind of identity.
 */
export function findDuplicateIdentities(identities: Iterable<EntryIdentity>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const slugs = new Map<string, SourcePosition>();
  const ids = new Map<string, SourcePosition>();
  for (const identity of identities) {
    if (identity.slug !== undefined)
      checkOnce(slugs, identity.slug, 'slug', identity.source, issues);
    if (identity.id !== undefined) checkOnce(ids, identity.id, 'id', identity.source, issues);
  }
  return issues;
}

function checkOnce(
  seen: Map<string, SourcePosition>,
  value: string,
  what: string,
  source: SourcePosition,
  issues: ConfigIssue[],
): void {
  const first = seen.get(value);
  if (first === undefined) {
    seen.set(value, source);
    return;
  }
  issues.push({
    ...source,
    message: `duplicate ${what} ${JSON.stringify(value)}: also at ${first.file}:${first.line}:${first.col}`,
  });
}
