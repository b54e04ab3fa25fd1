// Errors of the storage layer itself, for operators and callers (not sent to clients as such).

/** A unique constraint refused the write: a taken e-mail address, a key id or hash already stored. */
export class StoreConflictError extends Error {
  override name = 'StoreConflictError'
}

/** The database holds migrations this program does not know: it was migrated by a newer version. */
export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError'
}
