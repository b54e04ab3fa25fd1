// GET /update_live_prefixes?api_key=KEY&new_pfxs=P1,P2 — the BGProutes.io live manager endpoint,
// as its public Python client calls it: replaces the key's prefix list (new_pfxs= clears it) and
// answers 200 with the key's state. The client shows any other answer's body to the user.
import type { FastifyInstance } from 'fastify'
import { BadRequestError } from '../../errors.ts'
import type { ApiContext } from '../api-context.ts'
import type { KeyState } from '../key-state.ts'
import { requireQueryOrHeaderKey, singleParameter } from '../request-key.ts'

export const UPDATE_LIVE_PREFIXES_PATH = '/update_live_prefixes'

export function updateLivePrefixesRoute (app: FastifyInstance, ctx: ApiContext): void {
  app.get(UPDATE_LIVE_PREFIXES_PATH, async (request): Promise<KeyState> => {
    ctx.limitIp(request)
    const query = request.query as Record<string, unknown>
    const key = requireQueryOrHeaderKey(request.headers, query)
    const newPrefixes = singleParameter(query, 'new_pfxs')
    if (newPrefixes === undefined) {
      throw new BadRequestError('The new_pfxs parameter is missing: give the new prefix list, comma separated (an empty new_pfxs= clears it).')
    }
    const record = await ctx.authenticate(request, key)
    return await ctx.replacePrefixes(record, newPrefixes)
  })
}
