// After tsc: the generated validators' own declarations replace the ones tsc derived from their
// JavaScript (which lack the exported types, such as ValidateFunction), and the CLI entry point
// is made executable, so ./dist/cli/main.js runs as `orws` does.
import { chmodSync, copyFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const generated = join(root, 'src/schema/generated');
for (const name of readdirSync(generated).filter((n) => n.endsWith('.d.ts'))) {
  copyFileSync(join(generated, name), join(root, 'dist/schema/generated', name));
}
chmodSync(join(root, 'dist/cli/main.js'), 0o755);
