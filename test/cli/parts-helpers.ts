import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startSandbox,
  type RecordedRequest,
  type ResourceSeed,
  type Sandbox,
  type SandboxOptions,
  type SeedWorkspace,
} from '../../src/sandbox/index.js';
import { ROOT } from '../helpers/cli.js';

/** The demo's whole sandbox state (examples/sandbox-state.json): workspaces and every part. */
export function demoState(): { seed: SeedWorkspace[]; resources: ResourceSeed } {
  const state = JSON.parse(readFileSync(join(ROOT, 'examples/sandbox-state.json'), 'utf8')) as {
    workspaces: SeedWorkspace[];
  } & ResourceSeed;
  const { workspaces, ...resources } = state;
  return { seed: workspaces, resources };
}

/** A sandbox seeded with the demo's state, plus `options`. */
export function startDemoSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ ...demoState(), ...options });
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
