// Types for unbzip2-stream (a classic `through` duplex stream; the package ships none).
declare module 'unbzip2-stream' {
  import type { Duplex } from 'node:stream'
  function unbzip2Stream (): Duplex
  export default unbzip2Stream
}
