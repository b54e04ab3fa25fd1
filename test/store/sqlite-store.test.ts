import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStore } from '../../src/store/sqlite-store.ts'
import { storeSuite } from './store-suite.ts'

// A file, not ':memory:', so that WAL mode and the file layout are what run in production.
storeSuite('SQLite', async (options) => {
  const dir = mkdtempSync(join(tmpdir(), 'bgpl-store-'))
  const store = await openSqliteStore(join(dir, 'test.sqlite'), options)
  return {
    store,
    dispose: async () => {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
})
