/** Folders that hold someone else's code copied into the project. */
const VENDOR_FOLDER = /(^|\/)(vendor|vendors|third[-_]party|bower_components|jspm_packages)\//;
/** File names of minified or bundled output. */
const MINIFIED_NAME = /[.-]min\.[cm]?js$|[.-]bundle\.[cm]?js$|\.(umd|iife)\.[cm]?js$/;
/** Well-known libraries projects commonly copy into `public/` or `static/` as they are. */
const BUNDLED_LIBRARY = /(^|\/)(public|static|assets|www)\/(.*\/)?(jquery|showdown|bootstrap|angular|react(-dom)?|vue|lodash|underscore|moment|d3|chart|highlight|marked|popper|backbone|handlebars|mustache|require|socket\.io)[\w.-]*\.js$/i;
/** A line this long is machine-written (minified, bundled or generated data), not reviewed code. */
const LONG_LINE = 1000;

/**
 * Why `file` is vendored, minified, bundled or generated code (and so not the project's own code to
 * lint or scan), or `undefined` when it looks hand-written. Findings in such files are noise the
 * maintainers cannot act on (9 of dvna's 11 false positives came from bundled jQuery/showdown).
 *
 * A stop-gap for the code-reviewer and security-scanner: the kit's target discovery (TargetProfile
 * / `listSourceFiles`) is to own this decision; replace calls to this helper with it then.
 */
export function isVendoredOrMinified(file: string, text: string): string | undefined {
  if (VENDOR_FOLDER.test(file)) return 'vendored folder';
  if (MINIFIED_NAME.test(file)) return 'minified or bundled file name';
  if (BUNDLED_LIBRARY.test(file)) return 'bundled third-party library';
  // Only the first 200 kB: enough to see the shape of a file, bounded on huge ones.
  const head = text.slice(0, 200_000);
  if (/^\s*\/\/[#@] sourceMappingURL=/m.test(head)) return 'build output (sourceMappingURL)';
  if (/^\s*(\/\/|\/\*+|\*)\s*(@generated|auto-?generated|do not edit)/im.test(head.slice(0, 2000))) return 'generated file';
  let start = 0;
  while (start < head.length) {
    let end = head.indexOf('\n', start);
    if (end === -1) end = head.length;
    // A long comment line is prose (a doc paragraph), not minified code.
    if (end - start > LONG_LINE && !/^\s*(\/\/|\/\*|\*)/.test(head.slice(start, start + 200))) return `a line longer than ${LONG_LINE} characters (minified or bundled)`;
    start = end + 1;
  }
  return undefined;
}
