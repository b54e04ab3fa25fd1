// Where a request carries its API key. The JSON API takes it from a header only
// (`Authorization: Bearer KEY` or `X-API-Key: KEY`), so that it stays out of URLs, which proxies
// and browsers record; the public /update_live_prefixes endpoint takes `api_key` from the query,
// as the BGProutes.io client sends it, or a header.
import type { IncomingHttpHeaders } from 'node:http'
import { BadRequestError, UnknownKeyError } from '../errors.ts'

/** No key at all in the request: UNKNOWN_KEY (401), with a message saying where to put one. */
export class MissingKeyError extends UnknownKeyError {
  constructor (where: string) {
    super()
    this.message = `No API key given; send it ${where}.`
  }
}

export const HEADER_KEY_HINT = "in the 'Authorization: Bearer KEY' or 'X-API-Key: KEY' header"

/** The key from the Authorization or X-API-Key header, or undefined when neither is there. */
export function keyFromHeaders (headers: IncomingHttpHeaders): string | undefined {
  let bearer: string | undefined
  const authorization = headers.authorization
  if (authorization !== undefined && authorization !== '') {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)
    if (match === null) throw new BadRequestError('The Authorization header must be \'Bearer KEY\'; no other scheme is accepted.')
    bearer = match[1]
  }
  const headerValue = headers['x-api-key']
  const xApiKey = Array.isArray(headerValue) ? headerValue[0] : headerValue
  const fromXApiKey = xApiKey === undefined || xApiKey.trim() === '' ? undefined : xApiKey.trim()
  if (bearer !== undefined && fromXApiKey !== undefined && bearer !== fromXApiKey) {
    throw new BadRequestError('The Authorization and X-API-Key headers name different keys; send one of them.')
  }
  return bearer ?? fromXApiKey
}

/** The key of a JSON API request: from a header, never from the query string. */
export function requireHeaderKey (headers: IncomingHttpHeaders, query: Readonly<Record<string, unknown>>): string {
  if (query.api_key !== undefined) {
    throw new BadRequestError(`The JSON API does not take the key in the URL (URLs end up in logs and histories); send it ${HEADER_KEY_HINT} instead, and consider the key exposed if the URL was shared.`)
  }
  const key = keyFromHeaders(headers)
  if (key === undefined) throw new MissingKeyError(HEADER_KEY_HINT)
  return key
}

/** The key of an /update_live_prefixes request: the `api_key` query parameter, or a header. */
export function requireQueryOrHeaderKey (headers: IncomingHttpHeaders, query: Readonly<Record<string, unknown>>): string {
  const fromQuery = singleParameter(query, 'api_key')
  if (fromQuery !== undefined && fromQuery !== '') return fromQuery
  const key = keyFromHeaders(headers)
  if (key === undefined) throw new MissingKeyError(`as the api_key query parameter or ${HEADER_KEY_HINT}`)
  return key
}

/** A query parameter given at most once, as text; undefined when absent. */
export function singleParameter (query: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = query[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new BadRequestError(`The ${name} parameter is given more than once; give it once.`)
  return value
}
