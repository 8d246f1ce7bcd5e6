import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import { renderExport } from '../../src/config/export.js';
import { workspace } from '../helpers/factories.js';

describe('renderExport', () => {
  it('writes server text that could act on a terminal as \\u escapes, and reads back the same values', () => {
    const name = 'Ops\u202eevil\u009b31m\u200b';
    const description = 'tab\there, bell\u0007, line\u2028sep';
    const text = renderExport([{ workspace: workspace({ slug: 'ops', name, description }) }], {
      schemaPath: 'schema.json',
      kinds: ['workspace'],
    });
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b\u2028\u202e]/);
    expect(text).toContain('name: "Ops\\u202eevil\\u009b31m\\u200b"');
    const { workspaces, issues } = parseConfigText(text, 'exported.yaml');
    expect(issues).toEqual([]);
    expect(workspaces[0]?.fields).toMatchObject({ name, description });
  });
});
