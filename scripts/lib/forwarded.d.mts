export declare const FORWARDED_HEADERS: readonly string[];
export declare function adoptClientAddress(
  headers: Record<string, string | string[] | undefined>,
  peerAddress: string | undefined,
  trustProxy: boolean,
): void;
