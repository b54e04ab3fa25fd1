// @bgproutes-live/client: the bgproutes-live stream and live manager API for Node.js 24 and browsers.
export { BgproutesLiveClient, DEFAULT_API_URL, DEFAULT_WS_URL } from './client.ts'
export type { ClientOptions, MessagesOptions } from './client.ts'
export { streamMessages, streamUrl } from './stream.ts'
export type { ReconnectInfo, StreamOptions, StreamStats } from './stream.ts'
export { backoffDelay } from './backoff.ts'
export type { BackoffOptions } from './backoff.ts'
export { getKeyStatus, putPrefixes } from './http.ts'
export { formatText, formatTimestamp } from './format-text.ts'
export { isAnnouncement, isGap, isPeerState, isWithdrawal } from './frames.ts'
export type { Announcement, BmpView, DataFrame, ErrorFrame, ErrorFrameCode, GapFrame, KeyStatus, PeerState, Speaker, StreamMessage, UpdateType, Withdrawal } from './frames.ts'
export {
  BadRequestError, BgplError, CLOSE_CODES, ConnectionError, InternalError, KeyRevokedError, NoPrefixesError, PrefixRejectedError,
  RateLimitedError, SessionAlreadyOpenError, SlowConsumerError, UnknownKeyError, codeOfClose, errorFromCode, errorFromFrame, errorFromHttp, isErrorCode
} from './errors.ts'
export type { Details, ErrorCode, PrefixRejectionReason } from './errors.ts'
