import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import {
  startSandbox,
  type RecordedRequest,
  type Sandbox,
  type SandboxOptions,
} from '../../src/sandbox/index.js';
import { exampleState as demoState } from '../helpers/cli.js';

export { demoState };

/** A sandbox seeded with the demo's state, plus `options`. */
export function startDemoSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ ...demoState(), ...options });
}

/**
 * One sandbox per test, closed after it: call at the top of a test file. `open` starts one
 * with these options; `demo` one seeded with the demo's state, plus `options`.
 */
export function sandboxPerTest(): {
  open: (options: SandboxOptions) => Promise<Sandbox>;
  demo: (options?: SandboxOptions) => Promise<Sandbox>;
} {
  let current: Sandbox | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const open = async (options: SandboxOptions): Promise<Sandbox> =>
    (current = await startSandbox(options));
  return { open, demo: (options = {}) => open({ ...demoState(), ...options }) };
}

/** A fresh directory and a function writing a config file in it. */
export function configWriter(): { dir: string; write: (text: string, name?: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'orws-parts-'));
  return {
    dir,
    write(text, name = 'workspaces.yaml') {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
  };
}

/** `METHOD /path` of each request. */
export function lines(requests: readonly RecordedRequest[]): string[] {
  return requests.map((r) => `${r.method} ${r.path}`);
}

/** The requests that write. */
export function writesOf(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.method !== 'GET');
}

export const PROD_ID = '550e8400-e29b-41d4-a716-446655440000';

/** The default guardrail id the sandbox gave the workspace of `slug`. */
export function guardrailOf(s: Sandbox, slug: string): string {
  const found = s.workspaces().find((w) => w.slug === slug) as
    { default_guardrail_id?: string } | undefined;
  if (typeof found?.default_guardrail_id !== 'string') throw new Error(`no guardrail id: ${slug}`);
  return found.default_guardrail_id;
}
