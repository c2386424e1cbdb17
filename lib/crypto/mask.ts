const MASK = "•".repeat(8);

/**
 * A secret as screens and logs may show it: a fixed mask and, for secrets of 12 characters or more,
 * their last 4 (`••••••••abcd`) — enough to tell two apart, too little to guess either. Browser-safe.
 */
export function maskSecret(secret: string): string {
  return secret.length < 12 ? MASK : `${MASK}${secret.slice(-4)}`;
}
