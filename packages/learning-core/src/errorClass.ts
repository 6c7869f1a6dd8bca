/**
 * The class of an error, for failure patterns: its string `code` (e.g. ENOENT), else its name when
 * it is a subclass (TypeError, AssertionError), else the first words of its message with numbers,
 * quoted text and paths blanked out, so "timeout after 3012 ms" and "timeout after 2998 ms" match.
 */
export function errorClass(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
    if (error.name.length > 0 && error.name !== 'Error') return error.name;
    return normaliseMessage(error.message);
  }
  return normaliseMessage(String(error));
}

function normaliseMessage(message: string): string {
  const words = message
    .toLowerCase()
    .replace(/(["'`]).*?\1/g, '<s>')
    .replace(/(?:[a-z]:)?[\\/][^\s:]+/g, '<path>')
    .replace(/\d+(?:\.\d+)?/g, '#')
    .split(/[^a-z#<>_-]+/)
    .filter((w) => w.length > 0)
    .slice(0, 4)
    .join(' ');
  return words.length > 0 ? words.slice(0, 48) : 'unknown';
}
