// What every role of a Kafka deployment (docs/deploy.md) is given and gives back. The roles are
// the parts of `serve` as processes of their own: `collector` (sources to the records topic),
// `matcher` (records to the keys' topics), `gateway` (keys' topics to websocket sessions) and
// `api` (the live manager API), sharing one database and one Kafka cluster.
import type { KafkaSettings } from '../../kafka/kafka-settings.ts'
import type { Logger } from '../../log.ts'
import type { ServeConfig } from '../serve-config.ts'

export type RoleName = 'collector' | 'matcher' | 'gateway' | 'api'

export interface RoleContext {
  config: ServeConfig
  kafka: KafkaSettings
  env: Readonly<Record<string, string | undefined>>
  logger: Logger
  /** Kafka client id of this process: role, host and pid. */
  clientId: string
}

export interface RunningRole {
  /** `label  address` lines to print once started. */
  lines: Array<[string, string]>
  /** Stop losing nothing accepted (each role says what that means). */
  stop (): Promise<void>
}

/** Each role's own HTTP port by default, so that all four can run on one machine as they are. */
export const ROLE_DEFAULT_HTTP: Readonly<Record<RoleName, string>> = {
  api: '127.0.0.1:8080',
  gateway: '127.0.0.1:8081',
  collector: '127.0.0.1:9100',
  matcher: '127.0.0.1:9101'
}
