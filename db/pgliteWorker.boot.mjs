// Entry of the embedded database's worker thread (db/pgliteRemote.ts). Worker threads do not
// inherit tsx's loader (neither under `tsx server/main.ts` nor under vitest), so this plain
// module loads the TypeScript worker through tsx's API, resolved from this file's folder.
import { tsImport } from "tsx/esm/api";

await tsImport("./pgliteWorker.ts", import.meta.url);
