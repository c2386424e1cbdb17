/** Shows the first and last characters only, for screens and logs. Safe in the browser. */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return "•".repeat(8);
  return `${secret.slice(0, 4)}${"•".repeat(8)}${secret.slice(-2)}`;
}
