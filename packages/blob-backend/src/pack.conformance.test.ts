import { runBlobBackendConformance } from './conformance';
import { FilesystemBackend } from './filesystem';
import { tempRoots } from './test-roots';

const freshRoot = tempRoots('excloud-pack-conf-');

// Small bodies packed, larger ones (the 100 kB and 10 MiB cases) in files: both layouts at once.
runBlobBackendConformance('fs packed (64 KiB)', async () => new FilesystemBackend({ root: await freshRoot(), packMaxBytes: 64 * 1024 }));
// Everything packed, into tiny segments so most puts roll the active segment.
runBlobBackendConformance('fs packed (all, 4 KiB segments)', async () =>
  new FilesystemBackend({ root: await freshRoot(), packMaxBytes: 16 * 1024 * 1024, packSegmentBytes: 4096 }),
);
