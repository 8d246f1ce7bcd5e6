import { Document, type YAMLMap } from 'yaml';
import { WRITABLE_FIELDS, type Workspace } from '../schema/fields.js';

/**
 * Writes remote workspaces as a config that `orws plan` finds clean: every writable field set,
 * `id` pinned (so a later slug change in the file renames rather than creates), entries sorted
 * by slug, key-id lists on one line, and the modeline that points editors at the schema.
 */
export function renderExport(workspaces: readonly Workspace[], schemaPath: string): string {
  const document = new Document({ version: 1, workspaces: [] as unknown[] });
  const sorted = [...workspaces].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  for (const workspace of sorted) {
    const entry = document.createNode({ id: workspace.id }) as YAMLMap;
    for (const field of WRITABLE_FIELDS) {
      const value = workspace[field];
      entry.set(field, document.createNode(value, { flow: Array.isArray(value) }));
    }
    document.addIn(['workspaces'], entry);
  }
  return `# yaml-language-server: $schema=${schemaPath}\n${document.toString({ lineWidth: 0 })}`;
}
