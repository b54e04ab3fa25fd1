// Capabilities whose presence is the whole message, with an empty value:
// Route Refresh, code 2 (RFC 2918 §2); Extended Message, code 6 (RFC 8654 §3);
// Enhanced Route Refresh, code 70 (RFC 7313 §3).

import type { EnhancedRouteRefreshCapability, ExtendedMessageCapability, RouteRefreshCapability } from '../types.ts'
import { capabilityError } from './capability-error.ts'

export function decodeRouteRefresh (buf: Uint8Array, start: number, end: number): RouteRefreshCapability {
  if (end !== start) throw capabilityError('Route Refresh', buf, start, end)
  return { kind: 'route-refresh' }
}

export function decodeExtendedMessage (buf: Uint8Array, start: number, end: number): ExtendedMessageCapability {
  if (end !== start) throw capabilityError('Extended Message', buf, start, end)
  return { kind: 'extended-message' }
}

export function decodeEnhancedRouteRefresh (buf: Uint8Array, start: number, end: number): EnhancedRouteRefreshCapability {
  if (end !== start) throw capabilityError('Enhanced Route Refresh', buf, start, end)
  return { kind: 'enhanced-route-refresh' }
}
