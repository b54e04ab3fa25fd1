// Every migration, in order. A new one goes at the end with the next version number.
import type { Migration } from './migration.ts'
import { initial } from './001-initial.ts'

export const MIGRATIONS: readonly Migration[] = [initial]
