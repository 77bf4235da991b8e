/**
 * npx and `npm exec` run their command through `sh -c`, and npm no longer passes SIGTERM on to it
 * (npm/cli#6684): `kill <pid of npx>` ends npm and its shell and leaves the command running with
 * no parent, holding its port and its data dir. Ctrl-C is not affected (the terminal signals the
 * whole process group). A long-running command started that way watches for its parent to go.
 */

/** Whether this process was started by npx or `npm exec` (npm sets npm_command for what it runs). */
export function startedByNpmExec(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.npm_command === 'exec';
}

/**
 * Calls `onExit` once the process that started this one has exited (this one was adopted by
 * another), checked every `intervalMs`; the timer never keeps the process alive. Returns a
 * function that stops watching.
 */
export function whenParentExits(onExit: () => void, intervalMs = 500): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onExit();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
