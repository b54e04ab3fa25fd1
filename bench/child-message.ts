// The next IPC message of a benchmark's child process (feeder, clients), bounded in time; a child
// that exits first, or says nothing within `ms`, is an error naming `what`.
import type { ChildProcess } from 'node:child_process'

export async function message<T> (child: ChildProcess, ms: number, what: string): Promise<T> {
  return await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`${what}: no answer in ${ms} ms`)) }, ms)
    const onExit = (code: number | null): void => { clearTimeout(timer); reject(new Error(`${what}: exited with ${code}`)) }
    child.once('message', (m) => { clearTimeout(timer); child.off('exit', onExit); resolve(m as T) })
    child.once('exit', onExit)
  })
}
