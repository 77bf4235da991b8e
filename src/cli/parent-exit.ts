/**
 * npx and `npm exec` run their command through `sh -c`, and npm no longer passes SIGTERM on to it
 * (npm/cli#6684): `kill <pid of npx>` ends npm and its shell and leaves the command running with
 * no parent, holding its port and its data dir. Ctrl-C is not affected (the terminal signals the
 * whole process group). A long-running command started that way watches for its parent to go.
 */

/**
 * The parent as this module loads, early in the process: npx may be killed before a command gets
 * to watch it (while a broker starts, or right after it says it listens), and the parent then
 * would already be the one that adopted the process.
 */
const PARENT_AT_LOAD = process.ppid;

/**
 * When this process was started by npx or `npm exec` (npm sets npm_command for what it runs):
 * calls `onExit` once the process that started it (its parent when this module loaded) has exited
 * and this one was adopted by another, checked every `intervalMs`, on a timer that never keeps
 * the process alive. Started any other way (nohup, a shell that exits), it outlives its parent and
 * nothing is watched. Returns a function that stops watching.
 */
export function whenNpxExits(onExit: () => void, env: NodeJS.ProcessEnv = process.env, intervalMs = 500): () => void {
  if (env.npm_command !== 'exec') return () => undefined;
  const parent = PARENT_AT_LOAD;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onExit();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
