/** `text` as a regular expression that matches exactly it (a test title, a file path). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
