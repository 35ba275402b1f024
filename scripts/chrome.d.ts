export function findChrome(): string;
export function chromeArgs(options?: { fakeUi?: boolean }): string[];
