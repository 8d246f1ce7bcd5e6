// After tsc: the generated validators' own declarations replace the ones tsc derived from their
// JavaScript (which lack the exported types, such as ValidateFunction), and the CLI entry point
// is made executable, so ./dist/cli/main.js runs as `orws` does.
import { chmodSync, copyFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const folder of ['schema/generated', 'sandbox/generated']) {
  let names;
  try {
    names = readdirSync(join(root, 'src', folder));
  } catch {
    continue;
  }
  for (const name of names.filter((n) => n.endsWith('.d.ts'))) {
    copyFileSync(join(root, 'src', folder, name), join(root, 'dist', folder, name));
  }
}
chmodSync(join(root, 'dist/cli/main.js'), 0o755);
