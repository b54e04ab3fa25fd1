// Migration 1: accounts, API keys, their prefix lists (associations), sessions, settings.
// Times are milliseconds since the Unix epoch (UTC) in both databases.
import type { Migration } from './migration.ts'

export const initial: Migration = {
  version: 1,
  name: 'accounts, api keys, associations, sessions, settings',
  sqlite: `
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE,
  account_id TEXT REFERENCES accounts (id) ON DELETE CASCADE,
  label TEXT,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  last_used_at INTEGER,
  max_prefixes INTEGER NOT NULL DEFAULT 10 CHECK (max_prefixes >= 1),
  max_sessions INTEGER NOT NULL DEFAULT 1 CHECK (max_sessions >= 1),
  prefixes_updated_at INTEGER
) STRICT;
CREATE INDEX api_keys_account_id ON api_keys (account_id);

CREATE TABLE key_prefixes (
  key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  prefix TEXT NOT NULL,
  PRIMARY KEY (key_id, prefix)
) STRICT;

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  opened_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_key_id ON sessions (key_id);
`,
  postgres: `
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT,
  created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE,
  account_id TEXT REFERENCES accounts (id) ON DELETE CASCADE,
  label TEXT,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  last_used_at BIGINT,
  max_prefixes INTEGER NOT NULL DEFAULT 10 CHECK (max_prefixes >= 1),
  max_sessions INTEGER NOT NULL DEFAULT 1 CHECK (max_sessions >= 1),
  prefixes_updated_at BIGINT
);
CREATE INDEX api_keys_account_id ON api_keys (account_id);

CREATE TABLE key_prefixes (
  key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  prefix TEXT NOT NULL,
  PRIMARY KEY (key_id, prefix)
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  opened_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_key_id ON sessions (key_id);
`
}
