/**
 * The sandbox's state file (`orws sandbox --state FILE`): read once at start, written back
 * after changes (debounced) and on close, so that a sandbox can be stopped and restarted
 * without losing what was applied to it.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ResourceSeed } from './resources.js';
import { isPlainObject } from './validate.js';

/** What a state file holds: the workspaces, and optionally every other kind of state. */
export interface StateFileContents extends ResourceSeed {
  workspaces: unknown[];
}

/** The keys a state file may have beside `workspaces`. */
const RESOURCE_KEYS = [
  'budgets',
  'guardrails',
  'workspace_members',
  'organization_members',
  'models',
] as const;

/**
 * The sandbox could not write its state file. The state in memory is untouched; `file` and
 * `code` (the errno name, e.g. `EACCES`) say where and why.
 */
export class StateSaveError extends Error {
  override readonly name = 'StateSaveError';

  constructor(
    readonly file: string,
    readonly code: string,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      `cannot save the sandbox state to ${file}: ${code} (${detail}); the state in memory is kept`,
      {
        cause,
      },
    );
  }
}

/** How long after a change the state is written, so that a burst of writes is saved once. */
export const SAVE_DEBOUNCE_MS = 50;

/**
 * Reads a state file: `{"workspaces": [...], "budgets"?: [...], "guardrails"?: [...],
 * "workspace_members"?: [...], "organization_members"?: [...], "models"?: [...]}` or a bare
 * array of workspaces (the old form). Returns undefined when the file does not exist, and no
 * workspaces when it is empty. The entries are returned unchecked; the caller validates them
 * as seeds.
 *
 * @throws Error naming the file when it cannot be read, is not JSON, or has another shape
 */
export async function readStateFile(file: string): Promise<StateFileContents | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file}: cannot read the sandbox state: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (text.trim() === '') return { workspaces: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: the sandbox state is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (Array.isArray(json)) return { workspaces: json as unknown[] };
  if (isPlainObject(json) && Array.isArray(json.workspaces)) {
    const contents: StateFileContents = { workspaces: json.workspaces as unknown[] };
    for (const key of RESOURCE_KEYS) {
      const value = json[key];
      if (value === undefined) continue;
      if (!Array.isArray(value)) throw new Error(`${file}: "${key}" must be an array`);
      contents[key] = value as unknown[];
    }
    return contents;
  }
  throw new Error(
    `${file}: the sandbox state must be {"workspaces": [...]} or an array of workspaces`,
  );
}

/**
 * Writes the state to a file, debounced. Each write replaces the file atomically (a
 * temporary file, then a rename), so a reader never sees half a file. Writes are queued,
 * never concurrent; a failed write is kept (`lastError`) and reported by `close()` as a
 * {@link StateSaveError}, unless a later write succeeds.
 */
export class StateSaver {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private failure: StateSaveError | undefined;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => StateFileContents,
  ) {}

  /** The failure of the last write, cleared by the next write that succeeds. */
  get lastError(): StateSaveError | undefined {
    return this.failure;
  }

  /** Notes a change: the state is written ~50 ms from now (once, however many changes come). */
  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, SAVE_DEBOUNCE_MS);
  }

  /** Writes now (cancelling a scheduled write) and waits for every write to finish. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.write();
    if (this.failure !== undefined) throw this.failure;
  }

  private write(): Promise<void> {
    const text = `${JSON.stringify(this.snapshot(), null, 2)}\n`;
    const temporary = `${this.file}.${process.pid}.tmp`;
    this.writing = this.writing
      .then(async () => {
        await mkdir(dirname(this.file), { recursive: true });
        await writeFile(temporary, text, 'utf8');
        await rename(temporary, this.file);
        this.failure = undefined;
      })
      .catch((error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
        this.failure = new StateSaveError(this.file, code, error);
      });
    return this.writing;
  }
}
