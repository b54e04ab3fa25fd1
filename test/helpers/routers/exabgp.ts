// ExaBGP "F" (exabgp-f-collector.conf): AS 4200000006, ADD-PATH send for IPv4, static routes
// from the template, and an API process (`tail -F` of a command file) through which the tests
// announce and withdraw routes.
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, template, writeConfig } from './harness.ts'
import type { Daemon } from './harness.ts'

export interface ExaBgp {
  daemon: Daemon
  /** Send API commands (`announce route ...`, `withdraw route ...`). */
  api: (...lines: string[]) => void
  stop: () => Promise<void>
}

export function startExaBgp (runDir: string, collector: { host: string, port: number }, localAddress: string): ExaBgp {
  const commands = join(runDir, 'exabgp.commands')
  writeFileSync(commands, '')
  let config = template('exabgp-f-collector.conf', runDir)
    .replace('neighbor 127.0.0.1 {', `neighbor ${collector.host} {`)
    .replace('local-address 127.0.0.6;', `local-address ${localAddress};`)
    .replace('connect 1791;', `connect ${collector.port};\n\tapi { processes [ ctl ]; }`)
  if (!config.includes(`connect ${collector.port}`)) throw new Error('exabgp-f-collector.conf template changed')
  config = `process ctl {\n\trun /usr/bin/tail -n +1 -F ${commands};\n\tencoder text;\n}\n\n` + config
  const path = writeConfig(runDir, 'exabgp.conf', config)
  const daemon = startDaemon('exabgp', runDir, 'exabgp', [path], {
    'exabgp.daemon.user': 'root',
    'exabgp.api.cli': 'false',
    'exabgp.log.destination': 'stdout',
    'exabgp.daemon.pid': join(runDir, 'exabgp.pid')
  })
  return {
    daemon,
    api: (...lines: string[]) => { appendFileSync(commands, lines.map((l) => l + '\n').join('')) },
    stop: async () => { await daemon.stop() }
  }
}
