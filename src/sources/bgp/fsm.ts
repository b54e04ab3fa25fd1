// The BGP finite state machine of one connection (RFC 4271 §8), one function per state. The
// collector's connections begin when TCP is up (the Connect and Active states belong to the
// connector and the listener), so the states handled here are OpenSent, OpenConfirm and
// Established; Idle is where every error leads (§8.2.2).
//
// The functions take the session and the event; the session does the I/O and timers.
import { ErrorCode } from '../../codec/bgp/constants.ts'
import type { BgpMessage } from '../../codec/bgp/types.ts'
import { FsmErrorSubcode, notificationName } from './messages.ts'
import type { Session } from './session.ts'

export type FsmState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established'

/** RFC 4271 §8.2.2: the hold timer while waiting for the OPEN ("a large value", 4 minutes suggested). */
export const OPEN_HOLD_TIME_S = 240

/** Connect/Active → OpenSent: TCP is up (Event 16/17), send our OPEN and wait for theirs. */
export function onTcpEstablished (s: Session): void {
  s.sendOpen()
  s.setState('OpenSent')
  s.startHoldTimer(OPEN_HOLD_TIME_S)
}

/** RFC 4271 §8.2.2 OpenSent: expects an OPEN; NOTIFICATION ends the attempt; anything else is an FSM error. */
export function inOpenSent (s: Session, msg: BgpMessage): void {
  switch (msg.type) {
    case 'open': {
      // §6.2 checks, negotiation, and §6.8 collision detection live with the peer.
      const accepted = s.acceptOpen(msg)
      if (!accepted) return
      s.sendKeepalive()
      s.setState('OpenConfirm')
      s.startHoldTimer(s.negotiatedHoldTime())
      s.startKeepaliveTimer()
      return
    }
    case 'notification':
      s.close(`received NOTIFICATION ${notificationName(msg.code, msg.subcode)}`, { received: msg })
      return
    default:
      // RFC 6608 §4: FSM error, subcode "Receive Unexpected Message in OpenSent State".
      s.fail(ErrorCode.FSM, FsmErrorSubcode.IN_OPENSENT, `unexpected ${msg.type} in OpenSent`)
  }
}

/** RFC 4271 §8.2.2 OpenConfirm: a KEEPALIVE completes the session. */
export function inOpenConfirm (s: Session, msg: BgpMessage): void {
  switch (msg.type) {
    case 'keepalive':
      s.setState('Established')
      s.established()
      return
    case 'notification':
      s.close(`received NOTIFICATION ${notificationName(msg.code, msg.subcode)}`, { received: msg })
      return
    default:
      s.fail(ErrorCode.FSM, FsmErrorSubcode.IN_OPENCONFIRM, `unexpected ${msg.type} in OpenConfirm`)
  }
}

/**
 * RFC 4271 §8.2.2 Established: UPDATEs are taken (the session handles them on its fast path
 * before decoding reaches here), KEEPALIVEs only restart the hold timer (done for any message),
 * ROUTE-REFRESH asks us to resend routes we never send, so it is ignored (RFC 2918 §4).
 */
export function inEstablished (s: Session, msg: BgpMessage): void {
  switch (msg.type) {
    case 'update':
      s.takeUpdate(msg)
      return
    case 'keepalive':
    case 'route-refresh':
      return
    case 'notification':
      s.close(`received NOTIFICATION ${notificationName(msg.code, msg.subcode)}`, { received: msg })
      return
    case 'open':
      s.fail(ErrorCode.FSM, FsmErrorSubcode.IN_ESTABLISHED, 'unexpected OPEN in Established')
  }
}

/** §8.2.2 Event 10 in OpenSent, OpenConfirm or Established: NOTIFICATION Hold Timer Expired. */
export function onHoldTimerExpired (s: Session): void {
  s.fail(ErrorCode.HOLD_TIMER_EXPIRED, 0, `hold timer expired (${s.currentHoldTime()} s)`)
}

/** Dispatch one message to the function of the current state. */
export function onMessage (s: Session, msg: BgpMessage): void {
  switch (s.state) {
    case 'OpenSent': inOpenSent(s, msg); break
    case 'OpenConfirm': inOpenConfirm(s, msg); break
    case 'Established': inEstablished(s, msg); break
    default: break
  }
}
