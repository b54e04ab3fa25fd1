import { openPostgresStore } from '../../src/store/postgres-store.ts'
import { createTestDatabase } from '../store/postgres-test-db.ts'
import { apiSuite } from './api-suite.ts'

apiSuite('PostgreSQL', async () => {
  const db = await createTestDatabase()
  const store = await openPostgresStore(db.url)
  let closed: Promise<void> | undefined
  const closeStore = (): Promise<void> => (closed ??= store.close())
  return {
    store,
    closeStore,
    dispose: async () => {
      await closeStore()
      await db.drop()
    }
  }
})
