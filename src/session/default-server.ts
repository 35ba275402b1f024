/**
 * The broker URL used when an element names none. Its own module with no imports, because the
 * script-tag entry sets it before anything heavy has loaded.
 */
let defaultServer: string | undefined;

/** Set by the script-tag entry to the origin that served the script. */
export function setDefaultServer(url: string): void {
  defaultServer = url;
}

export function getDefaultServer(): string | undefined {
  return defaultServer;
}
