// What a BGP session negotiated, carried into every decode and encode call.
// The same message bytes mean different things under different contexts: an AS_PATH holds
// 2- or 4-octet ASNs (RFC 6793), NLRI carry a path identifier or not (RFC 7911), and the
// largest legal message is 4096 or 65535 octets (RFC 8654).

/** An address family as AFI/SAFI packed into one number: `afi << 8 | safi`. */
export type FamilyKey = number

export function familyKey (afi: number, safi: number): FamilyKey {
  return (afi << 8) | safi
}

export interface DecodeContext {
  /** Both sides announced the 4-octet AS capability (RFC 6793 §3). */
  readonly asn4: boolean
  /** Families in which NLRI received carry a 4-octet path identifier (RFC 7911 §3). */
  readonly addPath: ReadonlySet<FamilyKey>
  /** Both sides announced the extended message capability (RFC 8654). */
  readonly extendedMessage: boolean
  /**
   * The attributes come from an MRT TABLE_DUMP_V2 RIB entry, where MP_REACH_NLRI holds only
   * the next hop length and next hop (RFC 6396 §4.3.4).
   */
  readonly mrtRibEntry?: boolean
}

const NO_FAMILIES: ReadonlySet<FamilyKey> = new Set()

export function createDecodeContext (options: Partial<DecodeContext> = {}): DecodeContext {
  return {
    asn4: options.asn4 ?? false,
    addPath: options.addPath ?? NO_FAMILIES,
    extendedMessage: options.extendedMessage ?? false,
    mrtRibEntry: options.mrtRibEntry ?? false
  }
}

export function hasAddPath (ctx: DecodeContext, afi: number, safi: number): boolean {
  return ctx.addPath.size > 0 && ctx.addPath.has(familyKey(afi, safi))
}
