import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStore } from '../../src/store/sqlite-store.ts'
import { apiSuite } from './api-suite.ts'

apiSuite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bgpl-api-'))
  const store = await openSqliteStore(join(dir, 'api.sqlite'))
  let closed: Promise<void> | undefined
  const closeStore = (): Promise<void> => (closed ??= store.close())
  return {
    store,
    closeStore,
    dispose: async () => {
      await closeStore()
      rmSync(dir, { recursive: true, force: true })
    }
  }
})
