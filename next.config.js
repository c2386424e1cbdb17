/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and server-only packages stay outside the bundle.
  serverExternalPackages: ["@node-rs/argon2", "pg", "pino", "undici"],
  poweredByHeader: false,
};

export default nextConfig;
