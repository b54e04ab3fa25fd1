// The entry point of the ingest worker thread (ingest-thread.ts starts it): runs it, nothing else.
import { parentPort, workerData } from 'node:worker_threads'
import { runIngestWorker } from './ingest-worker.ts'
import type { IngestWorkerData } from './messages.ts'

if (parentPort === null) throw new Error('ingest-worker-entry.ts runs only as a worker thread')
await runIngestWorker(parentPort, workerData as IngestWorkerData)
