/** Counting the requests a refresh sends, per broker, so the cost of a refresh is a number. */
import type {ProtocolClient} from '../../client/protocol-client.js';

/** Node id used for requests to the bootstrap connection (Metadata). */
export const BOOTSTRAP_NODE = -1;

export class RequestCounter {
  readonly perBroker = new Map<number, number>();

  async send<T = any>(client: ProtocolClient, nodeId: number, apiKey: number, body: object, version?: number): Promise<T> {
    this.perBroker.set(nodeId, (this.perBroker.get(nodeId) ?? 0) + 1);
    return version === undefined ? client.request<T>(apiKey, body) : client.request<T>(apiKey, body, version);
  }
}
