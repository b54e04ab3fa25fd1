// A schema migration: numbered, with the SQL for each database. Never edit one that has shipped;
// add the next number instead.

export interface Migration {
  version: number
  name: string
  sqlite: string
  postgres: string
}
