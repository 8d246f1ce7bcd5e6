// The benchmark's tools: the sandbox in its own process, a timed run of a node process with
// its peak RSS, the two baselines done with plain fetch, and medians. Every wait here is
// bounded: child processes have a timeout, requests an abort signal, loops a fixed length.
/* global fetch, AbortSignal */
import { Buffer } from 'node:buffer';
import { fork, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';

const SANDBOX_SCRIPT = new URL('./sandbox-process.mjs', import.meta.url);
const RSS_PROBE = new URL('./rss-probe.mjs', import.meta.url);
const GNU_TIME = '/usr/bin/time';

/** Longest a sandbox may take to start (seeding 10,000 workspaces takes well under a second). */
const SANDBOX_START_MS = 30_000;
/** Longest an IPC answer from the sandbox may take. */
const SANDBOX_CALL_MS = 30_000;
/** Longest one request of a baseline may take. */
const REQUEST_TIMEOUT_MS = 30_000;

/** The repository root (bench/..). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Files a snapshot must hold to be a complete build. */
const BUILD_FILES = [
  'dist/cli/main.js',
  'dist/cli/commands.js',
  'dist/sandbox/index.js',
  'package.json',
];

/**
 * Copies the build (dist/, schema/, package.json) into `dir`, with node_modules linked, and
 * returns `dir`. The repository is shared with engineers who rebuild while the bench runs,
 * and a build starts by emptying dist/: measuring a private copy keeps every run of one
 * bench on the same, complete build.
 *
 * @throws Error when the build is incomplete (a build elsewhere was halfway through)
 */
export function snapshotBuild(dir) {
  mkdirSync(dir, { recursive: true });
  for (const entry of ['dist', 'schema', 'package.json']) {
    cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const missing = BUILD_FILES.filter((file) => !existsSync(join(dir, file)));
  if (missing.length > 0) {
    throw new Error(
      `the build in dist/ is incomplete (missing ${missing.join(', ')}); run npm run build again`,
    );
  }
  return dir;
}

/** The value in the middle (the mean of the two middle ones for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Starts bench/sandbox-process.mjs with `count` workspaces of `workload` (`workspaces` or
 * `parts`, see bench/fixtures.mjs) and `latencyMs` of added latency, serving the sandbox of the
 * build in `root` (default: this repository), and resolves once it listens.
 */
export function startSandboxProcess(count, latencyMs, root = REPO_ROOT, workload = 'workspaces') {
  const child = fork(SANDBOX_SCRIPT, [String(count), String(latencyMs), root, workload], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map();
  let exited = false;
  child.on('message', (message) => {
    const waiter = pending.get(message.id);
    if (waiter === undefined) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(`bench sandbox: ${message.error}`));
  });
  child.on('exit', (code) => {
    exited = true;
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`bench sandbox exited (code ${String(code)})`));
    }
    pending.clear();
  });

  const call = (type) =>
    new Promise((resolve, reject) => {
      if (exited) {
        reject(new Error('bench sandbox has exited'));
        return;
      }
      const id = nextId;
      nextId += 1;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`bench sandbox: no answer to "${type}" within ${SANDBOX_CALL_MS} ms`));
      }, SANDBOX_CALL_MS);
      pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      child.send({ id, type });
    });

  const stop = async () => {
    if (exited) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    try {
      await call('stop');
    } catch {
      child.kill('SIGKILL');
    }
    await gone;
    clearTimeout(killer);
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench sandbox did not start within ${SANDBOX_START_MS} ms`));
    }, SANDBOX_START_MS);
    const onReady = (message) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      child.off('message', onReady);
      resolve({
        baseUrl: message.baseUrl,
        pid: child.pid,
        /** Puts the workload's drift back and clears the request log. */
        reset: () => call('reset'),
        /** `{ total, byKind, failures }` of the requests since the last reset. */
        requests: () => call('requests'),
        stop,
      });
    };
    child.on('message', onReady);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench sandbox exited before it was ready (code ${String(code)})`));
    });
  });
}

/**
 * How peak RSS is read: GNU time's `%M` (the child's ru_maxrss, in KiB) when /usr/bin/time
 * is GNU time, else a preloaded module (bench/rss-probe.mjs) that writes
 * `process.resourceUsage().maxRSS` at exit.
 */
export function detectRssMethod(tmpDir) {
  if (existsSync(GNU_TIME)) {
    const file = join(tmpDir, 'time-check.txt');
    const check = spawnSync(GNU_TIME, ['-f', '%M', '-o', file, process.execPath, '-e', '0'], {
      timeout: 10_000,
    });
    if (check.status === 0 && existsSync(file) && /^\d+\s*$/.test(readFileSync(file, 'utf8'))) {
      return 'gnu-time';
    }
  }
  return 'probe';
}

/**
 * Runs `node ARGS…` once and measures it: wall time from spawn to exit (node's start-up
 * included, as a user sees it) and peak RSS of that node process alone. stdout and stderr are
 * collected; the process is killed after `timeoutMs`.
 *
 * @returns {Promise<{ wallMs: number, rssKiB: number | undefined, code: number | null, stdout: string, stderr: string }>}
 */
export function runNode(args, { env, rssMethod, tmpDir, timeoutMs = 120_000 }) {
  const rssFile = join(tmpDir, `rss-${String(process.pid)}-${String(performance.now())}.txt`);
  let command;
  let argv;
  let childEnv = env;
  if (rssMethod === 'gnu-time') {
    command = GNU_TIME;
    argv = ['-f', '%M', '-o', rssFile, process.execPath, ...args];
  } else {
    command = process.execPath;
    argv = ['--import', RSS_PROBE.href, ...args];
    childEnv = { ...env, ORWS_BENCH_RSS_FILE: rssFile };
  }
  return new Promise((resolve, reject) => {
    const stdout = [];
    const stderr = [];
    const started = performance.now();
    let ended = started;
    const child = spawn(command, argv, {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    child.on('error', reject);
    child.on('exit', () => {
      ended = performance.now();
    });
    child.on('close', (code, signal) => {
      let rssKiB;
      if (existsSync(rssFile)) {
        const text = readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '';
        rssKiB = /^\d+$/.test(text) ? Number(text) : undefined;
        rmSync(rssFile, { force: true });
      }
      if (signal !== null) {
        reject(
          new Error(`node ${args.join(' ')} was killed by ${signal} (timeout ${timeoutMs} ms?)`),
        );
        return;
      }
      resolve({
        wallMs: ended - started,
        rssKiB,
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

async function getJson(url) {
  const response = await fetch(url, {
    headers: { Authorization: 'Bearer bench-key', Accept: 'application/json' },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`GET ${url}: ${String(response.status)}`);
  return body;
}

/**
 * Baseline (a), the refresh Terraform providers do: one GET /workspaces/{id} per managed
 * workspace, `inFlight` at a time, each response parsed. Returns the workspaces read.
 */
export async function refreshPerObject(baseUrl, ids, inFlight) {
  const results = new Array(ids.length);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const index = next;
      next += 1;
      results[index] = (await getJson(`${baseUrl}/workspaces/${ids[index]}`)).data;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, ids.length) }, worker));
  return results;
}

/**
 * Baseline (b): the whole list read one page (limit=100) after another, each page asked for
 * only once the previous one has arrived. At most `maxPages` requests.
 */
export async function listSequentially(baseUrl, maxPages) {
  const workspaces = [];
  for (let page = 0; page < maxPages; page += 1) {
    const body = await getJson(
      `${baseUrl}/workspaces?offset=${String(workspaces.length)}&limit=100`,
    );
    workspaces.push(...body.data);
    if (body.data.length === 0 || workspaces.length >= body.total_count) break;
  }
  return workspaces;
}

/** Times `work()` in this process. */
export async function timeInProcess(work) {
  const started = performance.now();
  const value = await work();
  return { wallMs: performance.now() - started, value };
}

/** utime + stime + cutime + cstime of a process, in USER_HZ ticks, from /proc/PID/stat. */
function processTicks(pid) {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  // After "(comm) ", field 3 (state) is index 0: utime, stime, cutime, cstime are fields 14–17.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return fields.slice(11, 15).reduce((sum, ticks) => sum + ticks, 0);
}

/**
 * CPU time so far, in USER_HZ ticks, from Linux's /proc: the whole machine's (`total`,
 * `busy`) and the bench's own (`ours`: this process with its reaped children and theirs,
 * plus the live processes `pids`, e.g. the sandbox). Two readings tell how much CPU other
 * processes took meanwhile, i.e. how quiet the machine was. Undefined without /proc.
 */
export function readCpuTicks(pids = []) {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // user nice system idle iowait irq softirq steal [guest guest_nice]; guest time is in user already.
    const total = cpu.slice(0, 8).reduce((sum, ticks) => sum + ticks, 0);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    let ours = processTicks(process.pid);
    for (const pid of pids) ours += processTicks(pid);
    return Number.isFinite(total) && Number.isFinite(ours)
      ? { total, busy: total - idle, ours }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The average number of CPUs that processes other than the bench's kept busy between two readings. */
export function otherCpus(before, after, cpuCount) {
  if (before === undefined || after === undefined || after.total === before.total) return undefined;
  const others = after.busy - before.busy - (after.ours - before.ours);
  return (Math.max(0, others) / (after.total - before.total)) * cpuCount;
}

/** The environment of an orws run against a bench sandbox: no color, the sandbox, a key it accepts. */
export function cliEnv(baseUrl, extra = {}) {
  return {
    ...process.env,
    NO_COLOR: '1',
    OPENROUTER_MANAGEMENT_KEY: 'bench-key',
    ...(baseUrl === undefined ? {} : { OPENROUTER_BASE_URL: baseUrl }),
    ...extra,
  };
}
