/** Paths answered in JSON (problem+json on error) rather than HTML pages. */
export function isApiPath(url: string): boolean {
  return (
    url.startsWith('/api/') ||
    url === '/api' ||
    url.startsWith('/status') ||
    url.startsWith('/livez') ||
    url.startsWith('/readyz') ||
    url.startsWith('/metrics')
  );
}
