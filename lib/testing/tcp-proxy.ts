import net from "node:net";

/**
 * A TCP proxy on 127.0.0.1 in front of a local server (PostgreSQL in tests), which a test can take down
 * the ways a real outage looks: `refuse()` closes every connection and refuses new ones (a stopped
 * server), `blackhole()` accepts connections and never answers (a partition), `restore()` forwards again.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  let mode: "forward" | "refuse" | "blackhole" = "forward";
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    if (mode === "refuse") return client.destroy();
    if (mode === "blackhole") return; // accepted, never answered
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port,
    /** Ends every connection and turns new ones away at once. */
    refuse() {
      mode = "refuse";
      dropAll();
    },
    /** Ends every connection; new ones are accepted and then hang. */
    blackhole() {
      mode = "blackhole";
      dropAll();
    },
    restore() {
      mode = "forward";
    },
    async close() {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
