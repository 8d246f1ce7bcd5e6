import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { parseFaults, startSandbox, type FaultRule } from '../sandbox/index.js';
import type { SandboxOptions } from './program.js';

/**
 * `orws sandbox`: serves the local API until SIGINT or SIGTERM, printing its base URL (the
 * line scripts wait for) when it is ready.
 */
export async function runSandbox(options: SandboxOptions): Promise<number> {
  let faults: { latencyMs?: number; rules: FaultRule[] } = { rules: [] };
  try {
    if (options.faults !== undefined) {
      const text = await readFile(options.faults, 'utf8');
      faults = parseFaults(JSON.parse(text) as unknown, options.faults);
    }
  } catch (error) {
    process.stderr.write(
      `orws: error: ${new UsageError(`cannot use --faults ${options.faults ?? ''}: ${(error as Error).message}`).message}\n`,
    );
    return 1;
  }
  const latencyMs = options.latency ?? faults.latencyMs;
  let sandbox;
  try {
    sandbox = await startSandbox({
      port: options.port,
      faults: faults.rules,
      ...(options.state === undefined ? {} : { stateFile: options.state }),
      ...(latencyMs === undefined ? {} : { latencyMs }),
    });
  } catch (error) {
    process.stderr.write(`orws: error: cannot start the sandbox: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(
    `orws sandbox serving ${sandbox.baseUrl}\n` +
      `  export OPENROUTER_BASE_URL=${sandbox.baseUrl} OPENROUTER_MANAGEMENT_KEY=<any non-empty key>\n`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sandbox.close();
  process.stdout.write(
    `orws sandbox stopped (${signal})${options.state === undefined ? '' : `; state saved to ${options.state}`}\n`,
  );
  return 0;
}
