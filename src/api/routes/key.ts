// The JSON API of a key, which takes the key from a header (never the URL):
// GET /v1/key gives the key's state, PUT /v1/key/prefixes replaces its prefix list.
import type { FastifyInstance } from 'fastify'
import { BadRequestError } from '../../errors.ts'
import type { ApiContext } from '../api-context.ts'
import type { KeyState } from '../key-state.ts'
import { requireHeaderKey } from '../request-key.ts'

export const KEY_PATH = '/v1/key'
export const KEY_PREFIXES_PATH = '/v1/key/prefixes'

export function keyRoutes (app: FastifyInstance, ctx: ApiContext): void {
  app.get(KEY_PATH, async (request): Promise<KeyState> => {
    ctx.limitIp(request)
    const key = requireHeaderKey(request.headers, request.query as Record<string, unknown>)
    return await ctx.state(await ctx.authenticate(request, key))
  })

  app.put(KEY_PREFIXES_PATH, async (request): Promise<KeyState> => {
    ctx.limitIp(request)
    const key = requireHeaderKey(request.headers, request.query as Record<string, unknown>)
    const prefixes = prefixesFromBody(request.body)
    return await ctx.replacePrefixes(await ctx.authenticate(request, key), prefixes)
  })
}

/** The `prefixes` array of a `{ "prefixes": [...] }` body. */
function prefixesFromBody (body: unknown): string[] {
  const example = 'e.g. {"prefixes": ["192.0.2.0/24", "2001:db8::/32"]}, or {"prefixes": []} to clear the list'
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestError(`The body must be a JSON object with a prefixes array, ${example}.`)
  }
  const prefixes = (body as Record<string, unknown>).prefixes
  if (!Array.isArray(prefixes)) throw new BadRequestError(`The body has no prefixes array; send ${example}.`)
  const extra = Object.keys(body).filter(name => name !== 'prefixes')
  if (extra.length > 0) throw new BadRequestError(`The body has fields this endpoint does not know: ${extra.join(', ')}; send only prefixes.`)
  const notText = prefixes.findIndex(p => typeof p !== 'string')
  if (notText >= 0) throw new BadRequestError(`prefixes[${notText}] is not a string; write each prefix as text, e.g. "192.0.2.0/24".`)
  return prefixes as string[]
}
