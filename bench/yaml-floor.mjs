// What the `yaml` package alone costs on the benchmark's config, in fresh processes, so
// that the config loader's share of `orws plan` can be told apart from the library's floor:
//   cst       yaml's Parser only (the concrete syntax tree; the least any use of it does)
//   document  parseDocument (CST, then the AST), as src/config/yaml-source.ts calls it
//   tojs      parseDocument with a LineCounter, then toJS()
//   node      nothing: node, the yaml module loaded and the file read (the baseline)
// Each: median wall time of the work itself and the process's peak RSS, over RUNS runs.
//
// Usage: node bench/yaml-floor.mjs [RUNS] [COUNT]   (default 5 10000)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const MODES = {
  node: 'baseline: node started, `yaml` imported, the file read',
  cst: 'CST only: `new Parser().parse(text)`',
  document: '`parseDocument(text)` (CST + AST)',
  tojs: '`parseDocument(text, { lineCounter })` + `toJS()`',
};

async function measureOnce(mode, file) {
  const yaml = await import('yaml');
  const text = readFileSync(file, 'utf8');
  const started = performance.now();
  if (mode === 'cst') {
    let tokens = 0;
    for (const token of new yaml.Parser().parse(text)) if (token.type !== 'comment') tokens += 1;
    if (tokens === 0) throw new Error('no tokens');
  } else if (mode === 'document') {
    yaml.parseDocument(text, { version: '1.2', schema: 'core', uniqueKeys: true });
  } else if (mode === 'tojs') {
    const lineCounter = new yaml.LineCounter();
    yaml
      .parseDocument(text, { lineCounter, version: '1.2', schema: 'core', uniqueKeys: true })
      .toJS();
  }
  const wallMs = performance.now() - started;
  process.stdout.write(JSON.stringify({ wallMs, rssKiB: process.resourceUsage().maxRSS }));
}

async function main() {
  const { configYaml } = await import('./fixtures.mjs');
  const { median } = await import('./harness.mjs');
  const runs = Number(process.argv[2] ?? '5');
  const count = Number(process.argv[3] ?? '10000');
  if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(count) || count < 1) {
    throw new Error('usage: node bench/yaml-floor.mjs [RUNS] [COUNT]');
  }
  const tmpDir = mkdtempSync(join(tmpdir(), 'orws-yaml-'));
  try {
    const file = join(tmpDir, 'workspaces.yaml');
    const text = configYaml(count);
    writeFileSync(file, text);
    const self = fileURLToPath(import.meta.url);
    const lines = [
      `The \`yaml\` package on the bench config (T = ${count.toLocaleString('en-US')}: ${String(text.split('\n').length - 1)} lines, ${(text.length / 1e6).toFixed(2)} MB), medians of ${String(runs)} fresh processes:`,
      '',
      '| Work | Wall of the work | Peak RSS of the process |',
      '| --- | ---: | ---: |',
    ];
    for (const [mode, label] of Object.entries(MODES)) {
      const results = [];
      for (let run = 0; run < runs; run += 1) {
        const child = spawnSync(process.execPath, [self, '--measure', mode, file], {
          encoding: 'utf8',
          timeout: 60_000,
        });
        if (child.status !== 0) throw new Error(`${mode}: ${child.stderr}`);
        results.push(JSON.parse(child.stdout));
      }
      const wall = median(results.map((r) => r.wallMs));
      const rss = median(results.map((r) => r.rssKiB));
      lines.push(`| ${label} | ${wall.toFixed(0)} ms | ${((rss * 1024) / 1e6).toFixed(1)} MB |`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--measure') {
  await measureOnce(process.argv[3] ?? 'node', process.argv[4] ?? '');
} else {
  await main();
}
