/**
 * kafkajs, configured from a ConnectionOptions, for what kafkajs covers well (metadata, topic
 * admin, group describe, offsets, produce, consume). Every call is bounded in time: an
 * unreachable cluster gives one clear error after --timeout seconds, never a hang.
 */
import {Admin, Kafka, KafkaConfig, logLevel, SASLOptions} from 'kafkajs';
import {KstreamError} from '../output/errors.js';
import {ConnectionOptions, tlsSocketOptions} from './connection.js';

export function kafkaConfig(conn: ConnectionOptions, clientId = 'kstream'): KafkaConfig {
  const config: KafkaConfig = {
    clientId,
    brokers: conn.brokers,
    connectionTimeout: Math.min(conn.timeoutSeconds * 1000, 10_000),
    requestTimeout: 30_000,
    retry: {retries: 2, initialRetryTime: 200, maxRetryTime: 2_000},
    logLevel: logLevel.NOTHING,
  };
  if (conn.tls) {
    const files = tlsSocketOptions(conn.tls);
    config.ssl = files.ca || files.cert || files.key ? {...files} : true;
  }
  if (conn.sasl) config.sasl = {mechanism: conn.sasl.mechanism, username: conn.sasl.username, password: conn.sasl.password} as SASLOptions;
  return config;
}

export function createKafka(conn: ConnectionOptions, clientId?: string): Kafka {
  return new Kafka(kafkaConfig(conn, clientId));
}

/** Turn kafkajs' connection failures into one sentence a person can act on. */
export function describeConnectionFailure(err: unknown, conn: ConnectionOptions): KstreamError {
  const e = err as Error & {name?: string; originalError?: Error; retryCount?: number};
  const inner = e.originalError ?? e;
  const where = conn.brokers.join(',');
  if (/ECONNREFUSED|Connection error|connect ECONN|getaddrinfo|ENOTFOUND|ETIMEDOUT|Connection timeout|EHOSTUNREACH/i.test(`${inner.message} ${e.message}`)) {
    return new KstreamError(`cannot reach the Kafka cluster at ${where} (${inner.message.replace(/^Connection error: /, '')})`, {
      hint: 'Check -b/--brokers, KSTREAM_BROKERS or the profile; is the broker running (`kstream broker start`)?',
      cause: err,
    });
  }
  if (/SASL|authentication/i.test(inner.message)) return new KstreamError(`authentication failed at ${where}: ${inner.message}`, {cause: err});
  return new KstreamError(inner.message, {cause: err});
}

/** Run `fn` within the connection timeout, converting connection failures. */
export async function withTimeout<T>(conn: ConnectionOptions, what: string, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KstreamError(`timed out after ${conn.timeoutSeconds}s ${what} at ${conn.brokers.join(',')}`, {
      hint: 'Is the cluster reachable? Raise --timeout if it is just slow',
    })), conn.timeoutSeconds * 1000);
    timer.unref();
  });
  try {
    return await Promise.race([fn(), timeout]);
  } catch (err) {
    if (err instanceof KstreamError) throw err;
    throw describeConnectionFailure(err, conn);
  } finally {
    clearTimeout(timer);
  }
}

/** Connect an admin client, run `fn`, always disconnect. */
export async function withAdmin<T>(conn: ConnectionOptions, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createKafka(conn).admin();
  await withTimeout(conn, 'connecting', () => admin.connect());
  try {
    return await fn(admin);
  } catch (err) {
    if (err instanceof KstreamError) throw err;
    throw describeConnectionFailure(err, conn);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
