import Bowser from "bowser";

/** "Chrome 140 on Linux" for a session's user agent, for people to recognise their devices. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const { browser, os } = Bowser.parse(userAgent);
  const name = browser.name ? `${browser.name} ${browser.version?.split(".")[0] ?? ""}`.trim() : null;
  if (name && os.name) return `${name} on ${os.name}`;
  return name ?? os.name ?? userAgent.slice(0, 60);
}
