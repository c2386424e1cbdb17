/* global process, setInterval */
// Preloaded into `next` by the launcher (node --require): if the launcher dies without passing on a
// signal (SIGKILL, a crash), stop gracefully instead of living on as an orphan that holds the port.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, "SIGTERM");
}, 1000).unref();
