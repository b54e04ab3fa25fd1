// Entry point of the `bgproutes-live` command. Plain JavaScript so that Node's compile cache is
// on before the first TypeScript module loads: start-up then skips type stripping altogether.
import { enableCompileCache } from 'node:module'

enableCompileCache()
await import('../src/cli/main.ts')
