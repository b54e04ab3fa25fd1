// The long-running commands (serve and the roles) run until SIGTERM or SIGINT, once.
import type { Logger } from '../log.ts'

/** Resolves on the first SIGTERM or SIGINT (logged), after which the handlers are removed. */
export async function waitForSignal (logger: Logger): Promise<void> {
  await new Promise<void>((resolve) => {
    const onSignal = (signal: string): void => {
      process.off('SIGINT', onSigint)
      process.off('SIGTERM', onSigterm)
      logger.info({ signal }, 'signal received')
      resolve()
    }
    const onSigint = (): void => { onSignal('SIGINT') }
    const onSigterm = (): void => { onSignal('SIGTERM') }
    process.on('SIGINT', onSigint)
    process.on('SIGTERM', onSigterm)
  })
}
