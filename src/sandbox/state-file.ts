/**
 * The sandbox's state file (`orws sandbox --state FILE`): read once at start, written back
 * after changes (debounced) and on close, so that a sandbox can be stopped and restarted
 * without losing what was applied to it.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Workspace } from '../schema/fields.js';
import { isPlainObject } from './validate.js';

/** How long after a change the state is written, so that a burst of writes is saved once. */
export const SAVE_DEBOUNCE_MS = 50;

/**
 * Reads a state file: `{"workspaces": [...]}` or a bare array. Returns undefined when the
 * file does not exist, and an empty list when it is empty. The entries are returned
 * unchecked; the caller validates them as seeds.
 *
 * @throws Error naming the file when it cannot be read, is not JSON, or has another shape
 */
export async function readStateFile(file: string): Promise<unknown[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file}: cannot read the sandbox state: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (text.trim() === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: the sandbox state is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (Array.isArray(json)) return json as unknown[];
  if (isPlainObject(json) && Array.isArray(json.workspaces)) return json.workspaces as unknown[];
  throw new Error(
    `${file}: the sandbox state must be {"workspaces": [...]} or an array of workspaces`,
  );
}

/**
 * Writes the state to a file, debounced. Each write replaces the file atomically (a
 * temporary file, then a rename), so a reader never sees half a file. Writes are queued,
 * never concurrent; a failed background write is kept and reported by `close()`.
 */
export class StateSaver {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => Workspace[],
  ) {}

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
    if (this.failure !== undefined) {
      const reason = this.failure instanceof Error ? this.failure.message : 'unknown error';
      throw new Error(`${this.file}: cannot save the sandbox state: ${reason}`, {
        cause: this.failure,
      });
    }
  }

  private write(): Promise<void> {
    const text = `${JSON.stringify({ workspaces: this.snapshot() }, null, 2)}\n`;
    const temporary = `${this.file}.${process.pid}.tmp`;
    this.writing = this.writing
      .then(async () => {
        await mkdir(dirname(this.file), { recursive: true });
        await writeFile(temporary, text, 'utf8');
        await rename(temporary, this.file);
      })
      .catch((error: unknown) => {
        this.failure = error;
      });
    return this.writing;
  }
}
