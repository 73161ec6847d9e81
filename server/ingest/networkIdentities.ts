import type { Db, DbOrTx } from "../../db/client";
import { loadNetworkKeys, networkModelToken, type NetworkKeys } from "../../db/queries/networkIdentities";

/** Models kept at once: the current one, and one more for a process that serves two databases. */
const KEEP = 2;

/**
 * The network model's identifiers in memory, so that placing a batch of signals asks the
 * database one thing: is the model still the one these were loaded from (its token, migration
 * 0011)? Every statement that changes an identifier redraws the token in its own transaction,
 * whoever runs it (a reseed from another process included), so an answer is never stale and a
 * miss is a real miss.
 *
 * Keyed by token, not by database handle: a token names one model's contents, so one instance
 * serves any number of handles and transactions. A new token means a full reload, which is
 * right for a model that changes only when it is reloaded.
 */
export class NetworkIdentities {
  readonly #byToken = new Map<string, NetworkKeys>();
  /** One entry per registration, so two servers sharing a handle may each let go of it. */
  readonly #sources = new Set<{ db: Db }>();
  #loading = false;

  /**
   * Lets the model be loaded from `db` (a handle, not a transaction) in the background, while
   * batches are placed by SQL; without one, the batch that finds no model loads it in its own
   * transaction. Answers the function that forgets `db`.
   */
  loadFrom(db: Db): () => void {
    const source = { db };
    this.#sources.add(source);
    return () => void this.#sources.delete(source);
  }

  /** The identifiers of the model `db` sees now, or null when SQL must answer for now. */
  async current(db: DbOrTx): Promise<NetworkKeys | null> {
    const token = await networkModelToken(db);
    if (token === null) return null;
    const known = this.#byToken.get(token);
    if (known) return known;
    if (this.#loading) return null;
    this.#loading = true;
    if (this.#sources.size > 0) {
      void this.#loadInBackground(token).finally(() => (this.#loading = false));
      return null;
    }
    try {
      return await this.#fill(db, token);
    } finally {
      this.#loading = false;
    }
  }

  /**
   * From the source that holds the model the batch saw, token and rows in one snapshot. None
   * may: the model changed since (the next batch sees the new token), or the batch's own
   * transaction changed it and has not committed (SQL answers that one, as it should).
   */
  async #loadInBackground(token: string): Promise<void> {
    for (const { db } of this.#sources) {
      try {
        if (await this.#loadSnapshot(db, token)) return;
      } catch {
        // A source closed meanwhile, or a database gone away: SQL answers, the next batch tries again.
      }
    }
  }

  /** Token and rows in one snapshot of `db`; false when the model is no longer `token`'s. */
  #loadSnapshot(db: Db, token: string): Promise<boolean> {
    return db.transaction(async (tx) => {
      if ((await networkModelToken(tx as unknown as Db)) !== token) return false;
      await this.#fill(tx as unknown as Db, token);
      return true;
    }, { isolationLevel: "repeatable read", accessMode: "read only" });
  }

  /**
   * Loads the model `db` holds now, unless it is held already: at a start, so that the first
   * batches are placed in memory too instead of by SQL while the model loads beside them.
   */
  async warm(db: Db): Promise<void> {
    const token = await networkModelToken(db);
    if (token === null || this.#byToken.has(token) || this.#loading) return;
    this.#loading = true;
    try {
      await this.#loadSnapshot(db, token);
    } finally {
      this.#loading = false;
    }
  }

  /**
   * Inline, in a batch's READ COMMITTED transaction, the token is read just before the rows: a
   * change committed in between makes the rows newer than their token, never older, and the
   * next batch sees the newer token.
   */
  async #fill(db: DbOrTx, token: string): Promise<NetworkKeys> {
    const keys = await loadNetworkKeys(db);
    this.#byToken.set(token, keys);
    for (const old of this.#byToken.keys()) if (this.#byToken.size > KEEP) this.#byToken.delete(old);
    return keys;
  }

  /**
   * The model loaded last, without asking the database whether it is still current: for hints
   * only (which ingestion lane a signal joins), never for a placement.
   */
  latest(): NetworkKeys | undefined {
    let last: NetworkKeys | undefined;
    for (const keys of this.#byToken.values()) last = keys;
    return last;
  }

  /** Drops every model held (for memory; correctness never needs it). */
  clear() {
    this.#byToken.clear();
  }
}

/** The process's copy, used by placeSignals unless told otherwise. */
export const networkIdentities = new NetworkIdentities();
