import pLimit from 'p-limit';

/**
 * The bound on the kit's file reads (discovery, the agents' sources, ESLint's module-system sniff),
 * shared by the whole process. Reads are issued together, as one at a time left a run on a large
 * target mostly waiting on the disk, but never more than 32 at once, so a huge folder (or several
 * agents reading the same target at once) cannot exhaust file handles. A task given to it must not
 * itself wait on it.
 */
export const limitReads = pLimit(32);
