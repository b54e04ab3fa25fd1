// How the roles reach Kafka (docs/kafka.md, docs/deploy.md): bootstrap brokers, TLS and SASL,
// the prefix of every topic name, and the topics' settings. From the environment (flags win).
//
//   BGPL_KAFKA_BROKERS          host:port,host:port (required by the Kafka roles)
//   BGPL_KAFKA_TOPIC_PREFIX     default "bgproutes-live"
//   BGPL_KAFKA_TLS              "1" for TLS with the system CAs; BGPL_KAFKA_TLS_CA=FILE for a private CA
//   BGPL_KAFKA_SASL_MECHANISM   PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512, with
//   BGPL_KAFKA_SASL_USERNAME / BGPL_KAFKA_SASL_PASSWORD
//   BGPL_KAFKA_REPLICATION      replication factor of the topics created (default: the broker's)
//   BGPL_KAFKA_RECORD_PARTITIONS partitions of the records topic (default 12)
//   BGPL_KAFKA_RECORD_RETENTION  retention of the records topic (default 1h)
//   BGPL_KAFKA_KEY_RETENTION     retention of each key's frames topic (default 24h)
import { readFileSync } from 'node:fs'
import type { ConnectionOptions } from 'node:tls'
import { ConfigError } from '../sources/bgp/collector-config.ts'
import { parseDuration } from '../service/duration.ts'

export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'

export interface KafkaSettings {
  brokers: string[]
  topicPrefix: string
  tls: ConnectionOptions | undefined
  sasl: { mechanism: SaslMechanism, username: string, password: string } | undefined
  /** Replication factor of topics this service creates; -1 = the broker's default.replication.factor. */
  replication: number
  recordPartitions: number
  recordRetentionMs: number
  keyRetentionMs: number
}

type Env = Readonly<Record<string, string | undefined>>

const TOPIC_PREFIX_RE = /^[A-Za-z0-9._-]{1,100}$/

/** The settings, or a ConfigError naming the one that is wrong. */
export function kafkaSettingsFromEnv (env: Env, flags: { brokers?: string } = {}): KafkaSettings {
  const brokersText = flags.brokers ?? env.BGPL_KAFKA_BROKERS ?? ''
  const brokers = brokersText.split(',').map((b) => b.trim()).filter((b) => b !== '')
  if (brokers.length === 0) throw new ConfigError('Kafka brokers are not set: give --kafka host:port[,host:port...] or BGPL_KAFKA_BROKERS')
  for (const b of brokers) {
    const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(b)
    if (m === null || Number(m[2]) < 1 || Number(m[2]) > 65_535) throw new ConfigError(`Kafka broker ${JSON.stringify(b)} is not host:port`)
  }
  const topicPrefix = env.BGPL_KAFKA_TOPIC_PREFIX ?? 'bgproutes-live'
  if (!TOPIC_PREFIX_RE.test(topicPrefix)) throw new ConfigError(`BGPL_KAFKA_TOPIC_PREFIX must be 1 to 100 of A-Z a-z 0-9 . _ -, not ${JSON.stringify(topicPrefix)}`)

  let tls: ConnectionOptions | undefined
  const ca = env.BGPL_KAFKA_TLS_CA
  if (env.BGPL_KAFKA_TLS === '1' || env.BGPL_KAFKA_TLS === 'true' || (ca !== undefined && ca !== '')) {
    tls = {}
    if (ca !== undefined && ca !== '') {
      try {
        tls.ca = readFileSync(ca)
      } catch (e) {
        throw new ConfigError(`BGPL_KAFKA_TLS_CA: cannot read ${ca}: ${(e as Error).message}`)
      }
    }
  }
  let sasl: KafkaSettings['sasl']
  const mechanism = env.BGPL_KAFKA_SASL_MECHANISM
  if (mechanism !== undefined && mechanism !== '') {
    if (mechanism !== 'PLAIN' && mechanism !== 'SCRAM-SHA-256' && mechanism !== 'SCRAM-SHA-512') throw new ConfigError(`BGPL_KAFKA_SASL_MECHANISM must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, not ${JSON.stringify(mechanism)}`)
    const username = env.BGPL_KAFKA_SASL_USERNAME ?? ''
    const password = env.BGPL_KAFKA_SASL_PASSWORD ?? ''
    if (username === '') throw new ConfigError('BGPL_KAFKA_SASL_USERNAME is required with BGPL_KAFKA_SASL_MECHANISM')
    sasl = { mechanism, username, password }
  }
  const int = (name: string, fallback: number, min: number): number => {
    const text = env[name]
    if (text === undefined || text === '') return fallback
    const n = Number(text)
    if (!Number.isSafeInteger(n) || n < min) throw new ConfigError(`${name} must be a whole number of at least ${min}, not ${JSON.stringify(text)}`)
    return n
  }
  const duration = (name: string, fallback: number): number => {
    const text = env[name]
    if (text === undefined || text === '') return fallback
    try {
      return parseDuration(text, name)
    } catch (e) {
      throw new ConfigError((e as Error).message)
    }
  }
  return {
    brokers,
    topicPrefix,
    tls,
    sasl,
    replication: int('BGPL_KAFKA_REPLICATION', -1, 1),
    recordPartitions: int('BGPL_KAFKA_RECORD_PARTITIONS', 12, 1),
    recordRetentionMs: duration('BGPL_KAFKA_RECORD_RETENTION', 3_600_000),
    keyRetentionMs: duration('BGPL_KAFKA_KEY_RETENTION', 86_400_000)
  }
}

/** The options every @platformatic/kafka client of this service takes. */
export function clientOptions (settings: KafkaSettings, clientId: string): { clientId: string, bootstrapBrokers: string[], tls?: ConnectionOptions, sasl?: { mechanism: SaslMechanism, username: string, password: string }, retries: number, retryDelay: number, connectTimeout: number, requestTimeout: number, metadataMaxAge: number, autocreateTopics: false } {
  return {
    clientId,
    bootstrapBrokers: settings.brokers,
    ...(settings.tls === undefined ? {} : { tls: settings.tls }),
    ...(settings.sasl === undefined ? {} : { sasl: settings.sasl }),
    retries: 10,
    retryDelay: 250,
    // Topics are created by TopicAdmin with their settings (a key topic must have one partition),
    // never by a broker's auto.create.topics.enable on first use.
    autocreateTopics: false,
    connectTimeout: 5_000,
    requestTimeout: 30_000,
    // The client's default (5 s) makes every request naming a topic whose metadata is older fetch
    // it first: with a thousand key topics that is a metadata request in front of most produce
    // requests. Leaders that move are found by the errors they cause (NOT_LEADER_OR_FOLLOWER and
    // the like make the clients refresh at once), so the periodic refresh can be slow.
    metadataMaxAge: 300_000
  }
}
