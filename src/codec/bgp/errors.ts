// One error type for everything the BGP codec rejects. It carries what a speaker needs to
// answer: the NOTIFICATION code and subcode with its data (RFC 4271 §6), and the RFC 7606 §2
// action, so a collector can keep a session up when only one attribute is bad.

/**
 * RFC 7606 §2 error handling approaches, ordered from the mildest to the strongest so that
 * the strongest of several errors in one UPDATE can be kept with `Math.max`.
 */
export const ErrorAction = {
  /** RFC 7606 §2 "attribute discard": drop the attribute, keep the route. */
  ATTRIBUTE_DISCARD: 1,
  /** RFC 7606 §2 "treat-as-withdraw": the UPDATE's routes are withdrawn. */
  TREAT_AS_WITHDRAW: 2,
  /** RFC 4760 §7 / RFC 7606 §2 "AFI/SAFI disable". */
  AFI_SAFI_DISABLE: 3,
  /** RFC 4271 §6 "session reset": send NOTIFICATION and close. */
  SESSION_RESET: 4
} as const

export type ErrorActionValue = typeof ErrorAction[keyof typeof ErrorAction]

const ACTION_NAMES: Record<ErrorActionValue, string> = {
  1: 'attribute-discard',
  2: 'treat-as-withdraw',
  3: 'afi-safi-disable',
  4: 'session-reset'
}

export function errorActionName (action: ErrorActionValue): string {
  return ACTION_NAMES[action]
}

export interface BgpDecodeErrorOptions {
  /** NOTIFICATION Data field (RFC 4271 §4.5): the offending bytes. */
  data?: Uint8Array
  action?: ErrorActionValue
  /** Type code of the attribute at fault, when one is. */
  attributeType?: number
}

export class BgpDecodeError extends Error {
  override name = 'BgpDecodeError'
  readonly code: number
  readonly subcode: number
  readonly data: Uint8Array
  readonly action: ErrorActionValue
  readonly attributeType: number | undefined

  constructor (code: number, subcode: number, message: string, options: BgpDecodeErrorOptions = {}) {
    super(message)
    this.code = code
    this.subcode = subcode
    this.data = options.data ?? new Uint8Array(0)
    this.action = options.action ?? ErrorAction.SESSION_RESET
    this.attributeType = options.attributeType
  }
}

export function isBgpDecodeError (value: unknown): value is BgpDecodeError {
  return value instanceof BgpDecodeError
}

/** The stronger of two errors (RFC 7606 §2: the UPDATE is handled by the most severe approach). */
export function strongerError (a: BgpDecodeError | undefined, b: BgpDecodeError): BgpDecodeError {
  return a === undefined || b.action > a.action ? b : a
}
