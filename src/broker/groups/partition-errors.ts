/**
 * Per-partition answers of the offset requests (OffsetCommit, OffsetDelete): partitions of
 * unknown topics, or beyond a topic's partition count, get UNKNOWN_TOPIC_OR_PARTITION before the
 * coordinator sees the request (as Kafka's KafkaApis does); the coordinator's codes fill in the rest.
 */
import {ErrorCode} from '../../protocol/error-codes.js';
import type {TopicInfo} from '../topics/topic-manager.js';

interface RequestTopic<P> {
  name: string;
  partitions: P[];
}

export class PartitionErrors {
  private readonly codes = new Map<string, number>();

  /**
   * The partitions of existing topics, with the topic name; the others are recorded as
   * UNKNOWN_TOPIC_OR_PARTITION.
   */
  existing<P extends {partitionIndex: number}>(topics: {get(name: string): TopicInfo | undefined}, request: RequestTopic<P>[]): Array<{topic: string; partition: P}> {
    const found: Array<{topic: string; partition: P}> = [];
    for (const topic of request) {
      const info = topics.get(topic.name);
      for (const p of topic.partitions) {
        if (info && p.partitionIndex >= 0 && p.partitionIndex < info.partitions) found.push({topic: topic.name, partition: p});
        else this.set(topic.name, p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      }
    }
    return found;
  }

  set(topic: string, partition: number, errorCode: number): void {
    this.codes.set(`${topic}\u0000${partition}`, errorCode);
  }

  /** The request's topics and partitions, in its order, each with its code (NONE unless set). */
  answer(request: RequestTopic<{partitionIndex: number}>[]) {
    return request.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: this.codes.get(`${topic.name}\u0000${p.partitionIndex}`) ?? ErrorCode.NONE,
      })),
    }));
  }
}
