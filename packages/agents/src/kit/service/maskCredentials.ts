/**
 * `text` with every credential value of `headers` replaced by `***` (and long values' fragments
 * of 8+ characters, e.g. a token without its `Bearer ` prefix): evidence and notes quote requests
 * and responses, and a service may echo a token back; none may be printed or stored.
 */
export function maskCredentials(text: string, headers: Record<string, string> | undefined): string {
  if (headers === undefined) return text;
  let out = text;
  const secrets = new Set<string>();
  for (const value of Object.values(headers)) {
    if (value.length < 4) continue;
    secrets.add(value);
    // `Bearer abc…` / `Basic abc…`: the token alone can appear too.
    const token = /^\S+\s+(\S{8,})$/.exec(value)?.[1];
    if (token !== undefined) secrets.add(token);
  }
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  return out;
}
