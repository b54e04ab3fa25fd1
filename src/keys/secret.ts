// The server secret that API keys are hashed under (HMAC-SHA-256). From BGPL_KEY_SECRET when set;
// otherwise, for the embedded store only, a random one generated on first use and kept in
// <data dir>/key-secret with mode 0600. Changing the secret makes every existing key unknown,
// so the store remembers a fingerprint of it and refuses a different one (checkKeySecret).
import { createHmac, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const KEY_SECRET_ENV = 'BGPL_KEY_SECRET'
export const KEY_SECRET_FILE = 'key-secret'
/** A secret shorter than this (in bytes of its text) is refused: 32 bytes = 256 bits. */
export const KEY_SECRET_MIN_BYTES = 32

export interface KeySecret {
  /** The HMAC key. */
  bytes: Uint8Array
  /** Where it came from, for messages: the variable name or the file path. */
  source: string
}

export interface LoadKeySecretOptions {
  env: Readonly<Record<string, string | undefined>>
  dataDir: string
  /** Whether a secret may be generated into the data dir (embedded store); PostgreSQL needs the variable. */
  allowGenerate: boolean
}

export class KeySecretError extends Error {
  override name = 'KeySecretError'
}

export function loadKeySecret (options: LoadKeySecretOptions): KeySecret {
  const fromEnv = options.env[KEY_SECRET_ENV]
  if (fromEnv !== undefined && fromEnv !== '') {
    return { bytes: checkLength(Buffer.from(fromEnv, 'utf8'), KEY_SECRET_ENV), source: KEY_SECRET_ENV }
  }
  if (!options.allowGenerate) {
    throw new KeySecretError(`${KEY_SECRET_ENV} is not set; with DATABASE_URL every instance must hash keys under the same secret, so set it (e.g. to the output of 'openssl rand -base64 48') in each instance's environment`)
  }
  const path = join(options.dataDir, KEY_SECRET_FILE)
  let text: string
  try {
    text = readSecretFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 })
    try {
      writeFileSync(path, randomBytes(48).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' })
    } catch (writeErr) {
      // Another process created it first: use theirs.
      if ((writeErr as NodeJS.ErrnoException).code !== 'EEXIST') throw writeErr
    }
    text = readSecretFile(path)
  }
  return { bytes: checkLength(Buffer.from(text, 'utf8'), path), source: path }
}

/** A fingerprint of the secret that reveals nothing about it, for the store to compare. */
export function keySecretFingerprint (secret: Uint8Array): string {
  return createHmac('sha256', secret).update('bgproutes-live key-secret fingerprint v1').digest('hex').slice(0, 16)
}

function readSecretFile (path: string): string {
  const mode = statSync(path).mode & 0o777
  if ((mode & 0o077) !== 0) {
    throw new KeySecretError(`${path} is readable by others (mode ${mode.toString(8).padStart(3, '0')}); run 'chmod 600 ${path}'`)
  }
  return readFileSync(path, 'utf8').trim()
}

function checkLength (bytes: Buffer, source: string): Buffer {
  if (bytes.length < KEY_SECRET_MIN_BYTES) {
    throw new KeySecretError(`the key secret from ${source} is ${bytes.length} bytes; it needs at least ${KEY_SECRET_MIN_BYTES} (e.g. 'openssl rand -base64 48')`)
  }
  return bytes
}
