/**
 * Which partition each record goes to. Keyed records use the Java client's murmur2 hash (through
 * kafkajs' DefaultPartitioner, which matches it), so kstream puts a key where every other client
 * does. Keyless records are sticky per batch, as the Java client has done since KIP-480: one
 * request carries one large batch instead of many small ones. Choosing here rather than inside
 * kafkajs lets the summary report exactly how many records each partition got, also with acks=0.
 */
import {Partitioners} from 'kafkajs';

export class PartitionChooser {
  private readonly hashed = Partitioners.DefaultPartitioner();
  private readonly metadata: Array<{partitionId: number; leader: number; replicas: number[]; isr: number[]; partitionErrorCode: number}>;
  private stickyIndex: number;

  constructor(private readonly topic: string, private readonly partitions: number[], private readonly fixed?: number, random = Math.random) {
    this.metadata = partitions.map((partitionId) => ({partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0}));
    this.stickyIndex = Math.floor(random() * partitions.length);
  }

  /** The partition for one record. */
  choose(key: Buffer | null): number {
    if (this.fixed !== undefined) return this.fixed;
    if (key !== null) return this.hashed({topic: this.topic, partitionMetadata: this.metadata, message: {key, value: null}});
    return this.partitions[this.stickyIndex]!;
  }

  /** Move keyless records on to the next partition (called after each batch). */
  nextBatch(): void {
    this.stickyIndex = (this.stickyIndex + 1) % this.partitions.length;
  }
}
