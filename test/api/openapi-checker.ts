// Checks an HTTP response against the OpenAPI document: the operation (method and path) must
// exist, the status must be documented for it, and the body must match the documented schema
// for its content type (JSON Schema 2020-12, as OpenAPI 3.1 uses, validated with ajv), with the
// documented headers present.
import assert from 'node:assert/strict'
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { ValidateFunction } from 'ajv/dist/2020.js'

type Json = Record<string, any>

const COMPONENTS_ID = 'https://bgproutes-live.invalid/components'

export interface CheckedResponse {
  method: string
  /** Request path without the query string. */
  path: string
  status: number
  contentType: string
  headers: Headers
  /** Parsed JSON for JSON responses, else the text. */
  body: unknown
}

export class OpenApiChecker {
  readonly document: Json
  readonly #ajv: Ajv2020
  readonly #validators = new Map<string, ValidateFunction>()

  constructor (document: Json) {
    this.document = document
    this.#ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true })
    this.#ajv.addFormat('date-time', {
      type: 'string',
      validate: (text: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text) && !Number.isNaN(Date.parse(text))
    })
    this.#ajv.addSchema({ $id: COMPONENTS_ID, $defs: rewriteRefs(document.components?.schemas ?? {}) })
  }

  /** Throws (an assertion error) when the response is not what the document says. */
  check (response: CheckedResponse): void {
    const where = `${response.method} ${response.path} ${response.status}`
    const operation = this.document.paths?.[response.path]?.[response.method.toLowerCase()]
    assert.ok(operation !== undefined, `${response.method} ${response.path} is not in the OpenAPI document`)
    const documented = operation.responses?.[String(response.status)] ?? operation.responses?.default
    assert.ok(documented !== undefined, `${where}: status not documented`)
    for (const [name, header] of Object.entries<Json>(documented.headers ?? {})) {
      const value = response.headers.get(name)
      assert.ok(value !== null, `${where}: documented header ${name} missing`)
      if (header.schema?.type === 'integer') {
        assert.match(value, /^\d+$/, `${where}: header ${name} is not an integer`)
        if (header.schema.minimum !== undefined) assert.ok(Number(value) >= header.schema.minimum, `${where}: header ${name} below its minimum`)
      }
    }
    const mediaType = response.contentType.split(';', 1)[0].trim()
    const content = documented.content?.[mediaType]
    assert.ok(content !== undefined, `${where}: content type ${mediaType} not documented (documented: ${Object.keys(documented.content ?? {}).join(', ')})`)
    const key = `${response.method} ${response.path} ${response.status} ${mediaType}`
    let validate = this.#validators.get(key)
    if (validate === undefined) {
      validate = this.#ajv.compile(rewriteRefs(content.schema))
      this.#validators.set(key, validate)
    }
    assert.ok(validate(response.body), `${where}: body does not match the documented schema: ${this.#ajv.errorsText(validate.errors)}\n${JSON.stringify(response.body)}`)
  }
}

/** A copy with `#/components/schemas/X` refs pointing at the components schema added to ajv. */
function rewriteRefs (value: unknown): any {
  if (Array.isArray(value)) return value.map(rewriteRefs)
  if (value === null || typeof value !== 'object') return value
  const out: Json = {}
  for (const [name, item] of Object.entries(value)) {
    out[name] = name === '$ref' && typeof item === 'string' && item.startsWith('#/components/schemas/')
      ? `${COMPONENTS_ID}#/$defs/${item.slice('#/components/schemas/'.length)}`
      : rewriteRefs(item)
  }
  return out
}
