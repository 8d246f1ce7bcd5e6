import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/schema/generated/config-schema.js';
import { READ_ONLY_FIELDS, WRITABLE_FIELDS } from '../../src/schema/fields.js';
import { ROOT, runOrws } from '../helpers/cli.js';

const file = readFileSync(join(ROOT, 'schema/workspaces.schema.json'), 'utf8');

describe('the config schema has one source', () => {
  it('orws schema prints schema/workspaces.schema.json', async () => {
    const result = await runOrws(['schema']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(file);
  });

  it('the validator orws runs was compiled from that file', () => {
    expect(configSchema).toEqual(JSON.parse(file));
  });

  it('an entry allows exactly id, the writable fields and the parts, none read-only', () => {
    const workspace = (configSchema as { definitions: { workspace: { properties: object } } })
      .definitions.workspace;
    expect(Object.keys(workspace.properties).sort()).toEqual(
      ['id', ...WRITABLE_FIELDS, 'budgets', 'guardrail', 'members'].sort(),
    );
    for (const field of READ_ONLY_FIELDS)
      expect(Object.keys(workspace.properties)).not.toContain(field);
  });
});
