// Child processes of the launcher and the test runner, and the signals that stop them. Whoever calls
// `takeOverStopSignals` owns shutdown: a stop signal is passed to the running children instead of
// killing this process, so it can clean up (stop the database, drop the test database) once they exit.
import { spawn } from "node:child_process";
import { constants } from "node:os";

const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

let stopSignal: NodeJS.Signals | undefined;
const running = new Set<(signal: NodeJS.Signals) => void>();

function requestStop(signal: NodeJS.Signals): void {
  // A Ctrl-C arrives twice (from the terminal and from npm): the first one counts.
  if (stopSignal) return;
  stopSignal = signal;
  for (const stop of running) stop(signal);
}

/** From now on SIGINT, SIGTERM and SIGHUP go to the running children (see `run`) and are remembered. */
export function takeOverStopSignals(): void {
  for (const signal of STOP_SIGNALS) process.on(signal, () => requestStop(signal));
  // npm passes SIGINT and SIGTERM on but dies of SIGHUP (or SIGKILL) without a word: when the npm that
  // started us is gone, stop as if it had sent SIGTERM rather than linger holding the port.
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) requestStop("SIGTERM");
    }, 1000).unref();
  }
}

/** The signal that asked this process to stop, if one did. */
export function stopRequested(): NodeJS.Signals | undefined {
  return stopSignal;
}

/** Exit code for a process ended by `signal`, as shells report it (SIGTERM → 143). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** Between steps: once a stop signal came in, throw, so the caller cleans up and exits (see `stopRequested`). */
export function throwIfStopping(): void {
  if (stopSignal) throw new Error(`stopped by ${stopSignal}`);
}

export interface RunOptions {
  /** Time the child gets to exit after a stop signal before SIGKILL. (Default: 10 s) */
  graceMs?: number;
  /** Collect stdout and stderr into `output` instead of showing them; stdin is closed. (Default: false) */
  capture?: boolean;
}

/**
 * Runs a command to its end. A stop signal is forwarded to it — SIGHUP as SIGTERM, since `next` has no
 * SIGHUP handler and a hangup means "stop" — and SIGKILL follows after `graceMs`. Resolves with the
 * exit code (128 + n when signal n ended it).
 */
export function run(
  command: string,
  args: string[],
  { graceMs = 10_000, capture = false }: RunOptions = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (signal: NodeJS.Signals) => {
      child.kill(signal === "SIGHUP" ? "SIGTERM" : signal);
      killTimer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    };
    const done = () => {
      running.delete(stop);
      clearTimeout(killTimer);
    };
    running.add(stop);
    if (stopSignal) stop(stopSignal);
    child.once("error", (err) => {
      done();
      reject(err);
    });
    child.once("close", (code, signal) => {
      done();
      resolve({ code: code ?? signalExitCode(signal ?? "SIGKILL"), output });
    });
  });
}
