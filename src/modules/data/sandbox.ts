// The query sandbox: the DuckDB instance user SQL runs in. It is NOT the system database's
// instance and never sees system.duckdb. What makes it a sandbox (each claim is tested in
// test/data/sandbox.test.ts and against the real server in test/hostile/sql.test.ts):
// - an in-memory instance; each dataset is a read-only DuckDB file ATTACHed before the lock, with a
//   view named after the dataset. Views over Parquet files do NOT work here: with external access
//   off DuckDB refuses to open the Parquet file even from a view (measured, DuckDB 1.5.6), and an
//   allowed directory would let user SQL write there (COPY … TO, ATTACH; stack-facts.md).
// - then `enable_external_access = false` (no file or network access: read_*, glob, COPY, ATTACH of
//   a file, INSTALL/LOAD all fail), no extension auto-install/auto-load, no temp directory (nothing
//   spills to disk: a query that needs more than QUERY_MEMORY_MB fails), and
//   `lock_configuration = true`, so no SET/RESET/PRAGMA can undo any of it.
// - query-service.ts also accepts only a single statement whose type, by DuckDB's own parser, is
//   SELECT: no ATTACH ':memory:', DETACH, CREATE, INSERT, CALL, EXPLAIN ANALYZE … even in memory.
// A dataset change builds a new instance and swaps it in; queries still running on the old one
// finish there and it is closed when the last one releases it.
// Someone who may read only some datasets (groups and grants) queries an instance that attaches
// only those: what they may not read is not there to be named. Such instances are built on first
// use per set of datasets and kept (at most MAX_SUBSETS, least recently used dropped first).
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

export type SandboxDataset = { name: string; file: string };
export type SandboxLimits = { memoryMb: number; threads: number };

// Connections are kept and reused: closing one (closeSync) blocked the event loop for 200 ms while
// other queries ran (measured). A SELECT leaves no state behind on its connection (no temp objects,
// no settings, no open transaction), so the next query may use it.
type Generation = { instance: DuckDBInstance; users: number; retired: boolean; idle: DuckDBConnection[] };

/** SQL string literal (only our own file paths go through this, never user input). */
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

async function buildInstance(datasets: SandboxDataset[], limits: SandboxLimits): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(":memory:");
  const setup = await instance.connect();
  try {
    for (const ds of datasets) {
      // Names are checked to be [a-z][a-z0-9_]{0,62} before they are stored (datasets.ts).
      await setup.run(`ATTACH ${literal(ds.file)} AS "ds_${ds.name}" (READ_ONLY)`);
      await setup.run(`CREATE VIEW main."${ds.name}" AS SELECT * FROM "ds_${ds.name}".main.data`);
    }
    for (const statement of [
      `SET memory_limit = '${limits.memoryMb}MB'`,
      `SET threads = ${limits.threads}`,
      "SET temp_directory = ''",
      // Rows come in a defined order only with ORDER BY (as SQL says). With DuckDB's default
      // (insertion order kept) a LIMIT is a sink that gathers all its rows before the first is
      // sent: a 1,000,000-row export held ~90 MB before streaming (measured); now it streams.
      "SET preserve_insertion_order = false",
      "SET autoinstall_known_extensions = false",
      "SET autoload_known_extensions = false",
      "SET allow_community_extensions = false",
      "SET enable_external_access = false",
      "SET lock_configuration = true",
    ]) {
      await setup.run(statement);
    }
  } catch (error) {
    setup.closeSync();
    instance.closeSync();
    throw error;
  }
  setup.closeSync();
  return instance;
}

function shut(generation: Generation): void {
  for (const connection of generation.idle.splice(0)) connection.closeSync();
  generation.instance.closeSync();
}

/** Instances over a part of the datasets kept at once (one per distinct set of readable datasets). */
export const MAX_SUBSETS = 32;

export class QuerySandbox {
  private current: Generation;
  private readonly subsets = new Map<string, Promise<Generation>>();

  private constructor(
    instance: DuckDBInstance,
    private readonly limits: SandboxLimits,
    private datasets: SandboxDataset[],
  ) {
    this.current = { instance, users: 0, retired: false, idle: [] };
  }

  static async open(datasets: SandboxDataset[], limits: SandboxLimits): Promise<QuerySandbox> {
    return new QuerySandbox(await buildInstance(datasets, limits), limits, datasets);
  }

  /** Builds an instance over the new set of datasets and swaps it in; instances over parts of the old set retire. */
  async rebuild(datasets: SandboxDataset[]): Promise<void> {
    const next: Generation = { instance: await buildInstance(datasets, this.limits), users: 0, retired: false, idle: [] };
    const old = this.current;
    this.current = next;
    this.datasets = datasets;
    this.retire(old);
    for (const key of [...this.subsets.keys()]) this.dropSubset(key);
  }

  private retire(generation: Generation): void {
    generation.retired = true;
    if (generation.users === 0) shut(generation);
  }

  private dropSubset(key: string): void {
    const entry = this.subsets.get(key);
    this.subsets.delete(key);
    entry?.then((generation) => this.retire(generation)).catch(() => undefined);
  }

  /** The instance over exactly `names` (those that exist), built once and kept while used recently. */
  private subset(names: readonly string[]): Promise<Generation> {
    const key = [...names].sort().join(",");
    let entry = this.subsets.get(key);
    if (entry) {
      this.subsets.delete(key); // re-inserted last: the Map's order is least recently used first
    } else {
      const wanted = new Set(names);
      entry = buildInstance(
        this.datasets.filter((ds) => wanted.has(ds.name)),
        this.limits,
      ).then((instance) => ({ instance, users: 0, retired: false, idle: [] }));
      entry.catch(() => this.subsets.get(key) === entry && this.subsets.delete(key));
    }
    this.subsets.set(key, entry);
    while (this.subsets.size > MAX_SUBSETS) this.dropSubset(this.subsets.keys().next().value!);
    return entry;
  }

  /**
   * A connection for one query, over every dataset (`only` null) or only the named ones;
   * `release` gives it back (and closes a retired instance once unused).
   */
  async connect(only: readonly string[] | null = null): Promise<{ connection: DuckDBConnection; release: () => void }> {
    // The whole instance only when `only` names every dataset it holds now: a caller's list may
    // predate a rebuild that added one they were not given.
    const generation = only === null || this.holdsExactly(only) ? this.current : await this.subset(only);
    generation.users++;
    let connection: DuckDBConnection;
    try {
      connection = generation.idle.pop() ?? (await generation.instance.connect());
    } catch (error) {
      this.leave(generation);
      throw error;
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      generation.idle.push(connection);
      this.leave(generation);
    };
    return { connection, release };
  }

  private holdsExactly(names: readonly string[]): boolean {
    const wanted = new Set(names);
    return this.datasets.length === wanted.size && this.datasets.every((ds) => wanted.has(ds.name));
  }

  private leave(generation: Generation): void {
    generation.users--;
    if (generation.retired && generation.users === 0) shut(generation);
  }

  close(): void {
    this.retire(this.current);
    for (const key of [...this.subsets.keys()]) this.dropSubset(key);
  }
}
