import { openPostgresStore } from '../../src/store/postgres-store.ts'
import { createTestDatabase } from './postgres-test-db.ts'
import { storeSuite } from './store-suite.ts'

storeSuite('PostgreSQL', async (options) => {
  const db = await createTestDatabase()
  const store = await openPostgresStore(db.url, options)
  return {
    store,
    dispose: async () => {
      await store.close()
      await db.drop()
    }
  }
})
