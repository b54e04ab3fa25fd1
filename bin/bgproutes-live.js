// Entry point of the `bgproutes-live` command. Plain JavaScript so that Node's compile cache is
// on before the first TypeScript module loads: start-up then skips type stripping altogether.
import { enableCompileCache } from 'node:module'
import { setFlagsFromString } from 'node:v8'

// V8's allocation-site pretenuring, off unless the node command line says otherwise. Under a
// steady stream of UPDATEs it starts allocating some decode sites' objects in the old generation;
// those die young, but what they point to is kept alive by every scavenge until the next full GC:
// ~12 MB promoted per scavenge and 15-30 ms pauses in `serve` at 10,000 UPDATE/s, against ~1.5 MB
// and 3-5 ms without it (docs/benchmarks.md). Set before any code runs, so that no site is tracked.
if (!process.execArgv.some((a) => a.includes('pretenuring'))) setFlagsFromString('--no-allocation-site-pretenuring')
enableCompileCache()
await import('../src/cli/main.ts')
