// `bgproutes-live keys ...`: the operator's API key administration.
//   create        a new key, printed once (with its public id); optional prefixes and limits
//   list          every key: id, created, last used, status, limits, prefixes (never the key)
//   revoke        revoke a key by id (or by the key itself, e.g. a leaked one)
//   set-limit     change a key's max prefixes / max sessions
//   set-prefixes  replace a key's prefix list ('' clears it)
// The store is PostgreSQL when DATABASE_URL is set, else the SQLite file in --data-dir.
// Exit codes: 0 done, 1 refused or failed (the message says why), 2 usage error.
import { parseArgs } from 'node:util'
import { isServiceError } from '../../errors.ts'
import { apiKeyId, isApiKeyFormat, isApiKeyId } from '../../keys/api-key.ts'
import { ApiKeys } from '../../keys/api-keys.ts'
import { parsePrefixList, prefixPolicyFromEnv } from '../../keys/prefixes.ts'
import { loadKeySecret } from '../../keys/secret.ts'
import { openStore, storeLocation } from '../../store/open-store.ts'
import type { StoreLocation } from '../../store/open-store.ts'
import type { KeyLimits, KeyRecord, Store } from '../../store/types.ts'

export interface KeysIo {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
}

type Env = Readonly<Record<string, string | undefined>>

const USAGE = `usage: bgproutes-live keys <subcommand> [options]

  keys create [--prefixes P,...] [--max-prefixes N] [--max-sessions N] [--label TEXT] [--json]
      make a key and print it, once; the service keeps only a keyed hash of it
  keys list [--json]
      every key: id, created, last used, status, limits, prefixes (never the key)
  keys revoke ID
      revoke a key (ID is its public id, or the key itself); its prefixes and sessions go
  keys set-limit ID [--max-prefixes N] [--max-sessions N]
  keys set-prefixes ID P,...
      replace the key's prefix list ('' clears it)

options:
  --data-dir DIR   directory of the embedded database and key secret (default ./data, or BGPL_DATA_DIR)
environment:
  DATABASE_URL     use PostgreSQL (postgres://user@host/db) instead of the embedded database
  BGPL_KEY_SECRET  the secret keys are hashed under (needed with DATABASE_URL; see docs/store.md)
`

const NAME = 'bgproutes-live keys'

class UsageError extends Error {}

interface Parsed {
  values: {
    'data-dir'?: string
    prefixes?: string
    'max-prefixes'?: string
    'max-sessions'?: string
    label?: string
    json?: boolean
    help?: boolean
  }
  positionals: string[]
}

export async function runKeys (argv: string[], io: KeysIo, env: Env = process.env): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    io[sub === undefined ? 'stderr' : 'stdout'].write(USAGE)
    return sub === undefined ? 2 : 0
  }
  let parsed: Parsed
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        'data-dir': { type: 'string' },
        prefixes: { type: 'string' },
        'max-prefixes': { type: 'string' },
        'max-sessions': { type: 'string' },
        label: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      },
      allowPositionals: true
    })
  } catch (err) {
    return usage(io, (err as Error).message)
  }
  if (parsed.values.help === true) {
    io.stdout.write(USAGE)
    return 0
  }
  const location = storeLocation(env, parsed.values['data-dir'])
  try {
    switch (sub) {
      case 'create': return await create(parsed, location, env, io)
      case 'list': return await list(parsed, location, io)
      case 'revoke': return await revoke(parsed, location, io)
      case 'set-limit': return await setLimit(parsed, location, io)
      case 'set-prefixes': return await setPrefixes(parsed, location, env, io)
      default: return usage(io, `unknown subcommand ${JSON.stringify(sub)}`)
    }
  } catch (err) {
    if (err instanceof UsageError) return usage(io, err.message)
    io.stderr.write(`${NAME} ${sub}: ${describe(err)}\n`)
    return 1
  }
}

async function create (parsed: Parsed, location: StoreLocation, env: Env, io: KeysIo): Promise<number> {
  allowOptions(parsed, ['prefixes', 'max-prefixes', 'max-sessions', 'label', 'json', 'data-dir'])
  positionals(parsed, 0)
  const limits = readLimits(parsed)
  const secret = loadKeySecret({ env, dataDir: location.dataDir, allowGenerate: location.databaseUrl === undefined })
  return await withStore(location, async store => {
    const keys = await ApiKeys.open(store, secret, prefixPolicyFromEnv(env))
    const { key, record } = await keys.create({ label: parsed.values.label ?? null, limits, prefixes: parsed.values.prefixes, now: new Date() })
    if (parsed.values.json === true) {
      io.stdout.write(JSON.stringify({ key, ...recordJson(record) }) + '\n')
    } else {
      io.stdout.write(`id   ${record.id}\nkey  ${key}\n`)
    }
    io.stderr.write('Give the key to its user now: it is shown only this once, and the service keeps only a keyed hash of it.\n')
    return 0
  })
}

async function list (parsed: Parsed, location: StoreLocation, io: KeysIo): Promise<number> {
  allowOptions(parsed, ['json', 'data-dir'])
  positionals(parsed, 0)
  return await withStore(location, async store => {
    const keys = await store.listKeys()
    if (parsed.values.json === true) {
      io.stdout.write(JSON.stringify(keys.map(recordJson)) + '\n')
      return 0
    }
    const header = ['ID', 'CREATED', 'LAST USED', 'STATUS', 'MAX PFX', 'MAX SESS', 'PREFIXES', 'LABEL']
    const rows = keys.map(k => [
      k.id, time(k.createdAt), k.lastUsedAt === null ? 'never' : time(k.lastUsedAt), k.revokedAt === null ? 'active' : 'revoked',
      String(k.limits.maxPrefixes), String(k.limits.maxSessions), k.prefixes.length === 0 ? '-' : k.prefixes.join(','), k.label ?? ''
    ])
    io.stdout.write(table([header, ...rows]))
    return 0
  })
}

async function revoke (parsed: Parsed, location: StoreLocation, io: KeysIo): Promise<number> {
  allowOptions(parsed, ['data-dir'])
  const id = keyIdArgument(positionals(parsed, 1)[0])
  return await withStore(location, async store => {
    const now = new Date()
    const before = await store.getKey(id)
    const key = await store.revokeKey(id, now)
    if (before === null || key === null) return notFound(io, 'revoke', id)
    if (before.revokedAt !== null) {
      io.stdout.write(`${id} was already revoked at ${time(before.revokedAt)}\n`)
    } else {
      io.stdout.write(`revoked ${id}${before.prefixes.length > 0 ? ` (its ${before.prefixes.length} prefix${before.prefixes.length === 1 ? '' : 'es'} dropped)` : ''}\n`)
    }
    return 0
  })
}

async function setLimit (parsed: Parsed, location: StoreLocation, io: KeysIo): Promise<number> {
  allowOptions(parsed, ['max-prefixes', 'max-sessions', 'data-dir'])
  const id = keyIdArgument(positionals(parsed, 1)[0])
  const limits = readLimits(parsed)
  if (limits.maxPrefixes === undefined && limits.maxSessions === undefined) throw new UsageError('give --max-prefixes N, --max-sessions N or both')
  return await withStore(location, async store => {
    const key = await store.setLimits(id, limits)
    if (key === null) return notFound(io, 'set-limit', id)
    io.stdout.write(`${id}: max prefixes ${key.limits.maxPrefixes}, max sessions ${key.limits.maxSessions}\n`)
    return 0
  })
}

async function setPrefixes (parsed: Parsed, location: StoreLocation, env: Env, io: KeysIo): Promise<number> {
  allowOptions(parsed, ['data-dir'])
  const [rawId, prefixText] = positionals(parsed, 2)
  const id = keyIdArgument(rawId)
  return await withStore(location, async store => {
    const key = await store.getKey(id)
    if (key === null) return notFound(io, 'set-prefixes', id)
    const prefixes = parsePrefixList(prefixText, { maxPrefixes: key.limits.maxPrefixes, policy: prefixPolicyFromEnv(env) })
    const updated = await store.setPrefixes(id, prefixes, new Date())
    if (updated === null) return notFound(io, 'set-prefixes', id)
    io.stdout.write(`${id}: ${updated.prefixes.length === 0 ? 'no prefixes' : updated.prefixes.join(',')}\n`)
    return 0
  })
}

async function withStore (location: StoreLocation, fn: (store: Store) => Promise<number>): Promise<number> {
  const store = await openStore(location)
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

function readLimits (parsed: Parsed): Partial<KeyLimits> {
  const limits: Partial<KeyLimits> = {}
  const maxPrefixes = parsed.values['max-prefixes']
  const maxSessions = parsed.values['max-sessions']
  if (maxPrefixes !== undefined) limits.maxPrefixes = wholeNumber('--max-prefixes', maxPrefixes)
  if (maxSessions !== undefined) limits.maxSessions = wholeNumber('--max-sessions', maxSessions)
  return limits
}

function wholeNumber (option: string, text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new UsageError(`${option} takes a whole number, not ${JSON.stringify(text)}`)
  return Number(text)
}

/** A public id, or a key (whose id is worked out, so a leaked key can be revoked as pasted). */
function keyIdArgument (text: string): string {
  if (isApiKeyId(text)) return text
  if (isApiKeyFormat(text)) return apiKeyId(text)
  throw new UsageError(`${text.startsWith('bgpl_') ? 'that' : JSON.stringify(text)} is not a key id (12 hex digits, as 'keys list' shows) nor a key`)
}

function positionals (parsed: Parsed, count: number): string[] {
  if (parsed.positionals.length !== count) {
    throw new UsageError(count === 0 ? `unexpected argument ${JSON.stringify(parsed.positionals[0])}` : `expected ${count === 1 ? 'a key id' : 'a key id and a prefix list'}`)
  }
  return parsed.positionals
}

function allowOptions (parsed: Parsed, allowed: readonly string[]): void {
  for (const [name, value] of Object.entries(parsed.values)) {
    if (value !== undefined && name !== 'help' && !allowed.includes(name)) throw new UsageError(`--${name} does not apply here`)
  }
}

function notFound (io: KeysIo, sub: string, id: string): number {
  io.stderr.write(`${NAME} ${sub}: no key with id ${id}; 'bgproutes-live keys list' shows them\n`)
  return 1
}

function usage (io: KeysIo, message: string): number {
  io.stderr.write(`${NAME}: ${message}\n\n${USAGE}`)
  return 2
}

function describe (err: unknown): string {
  if (isServiceError(err)) return err.message
  if (err instanceof Error) return err.message + (err.cause instanceof Error ? ` (${err.cause.message})` : '')
  return String(err)
}

function recordJson (k: KeyRecord): Record<string, unknown> {
  return {
    id: k.id,
    label: k.label,
    accountId: k.accountId,
    createdAt: k.createdAt.toISOString(),
    revokedAt: k.revokedAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    maxPrefixes: k.limits.maxPrefixes,
    maxSessions: k.limits.maxSessions,
    prefixes: k.prefixes,
    prefixesUpdatedAt: k.prefixesUpdatedAt?.toISOString() ?? null
  }
}

function time (d: Date): string {
  return d.toISOString().slice(0, 19) + 'Z'
}

function table (rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)))
  return rows.map(r => r.map((cell, i) => i === r.length - 1 ? cell : cell.padEnd(widths[i])).join('  ').trimEnd() + '\n').join('')
}
