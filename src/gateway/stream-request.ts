// The stream's request target: `/?api_key=KEY[&since=SEQ]`, as the public client sends it
// (`wss://websocket.bgproutes.io/?api_key=KEY`) plus our resume parameter.
import { BadRequestError, UnknownKeyError } from '../errors.ts'

export interface StreamRequest {
  apiKey: string
  /** The last seq the client saw; absent for live frames only. */
  since: number | undefined
}

/** The path part of a request target, without the query. */
export function requestPath (target: string): string {
  const q = target.indexOf('?')
  return q < 0 ? target : target.slice(0, q)
}

/** The key and resume point of a stream request; UnknownKeyError without a key, BadRequestError for a bad `since`. */
export function parseStreamRequest (target: string): StreamRequest {
  const q = target.indexOf('?')
  const params = new URLSearchParams(q < 0 ? '' : target.slice(q + 1))
  const apiKey = params.get('api_key') ?? ''
  if (apiKey === '') throw new UnknownKeyError()
  const sinceText = params.get('since')
  if (sinceText === null) return { apiKey, since: undefined }
  const since = Number(sinceText)
  if (!/^[0-9]{1,16}$/.test(sinceText) || !Number.isSafeInteger(since)) {
    throw new BadRequestError(`since must be the last seq received, a whole number from 0; got ${JSON.stringify(sinceText.slice(0, 20))}`)
  }
  return { apiKey, since }
}
