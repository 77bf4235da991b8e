/**
 * Reads the topics out of a consumer member's JoinGroup metadata (ConsumerProtocolSubscription:
 * int16 version, then the versioned body). Newer versions than we know are read with the newest
 * known schema, as Kafka's ConsumerProtocol does: later versions only append fields.
 */
import {decodeData} from '../../protocol/api.js';

const MAX_SUBSCRIPTION_VERSION = 3;

/** The subscribed topics, or null when the bytes are not a valid subscription. */
export function subscriptionTopics(metadata: Buffer): string[] | null {
  try {
    if (metadata.length < 2) return null;
    const version = metadata.readInt16BE(0);
    if (version < 0) return null;
    const decoded = decodeData('ConsumerProtocolSubscription', Math.min(version, MAX_SUBSCRIPTION_VERSION), metadata, 2) as {topics: string[]};
    return decoded.topics;
  } catch {
    return null;
  }
}
