/**
 * JoinGroup and SyncGroup responses wait on the rest of the group, possibly for minutes. When
 * the broker shuts down it must not wait for them: they are answered at once with the fallback
 * (NOT_COORDINATOR, as Kafka does when a coordinator moves away).
 */
export function untilClosing<T>(work: Promise<T>, closing: AbortSignal, fallback: () => T): Promise<T> {
  if (closing.aborted) return Promise.resolve(fallback());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => resolve(fallback());
    closing.addEventListener('abort', onAbort, {once: true});
    work.then(
      (value) => { closing.removeEventListener('abort', onAbort); resolve(value); },
      (err) => { closing.removeEventListener('abort', onAbort); reject(err); },
    );
  });
}
