/** Where each lint's rule and threshold come from; cited in every result. */
export const SOURCE = {
  replication: 'Kafka: The Definitive Guide (Narkhede, Shapira, Palino), ch. 7 Reliable Data Delivery > Replication Factor (3 for topics that need availability); Kafka documentation, Replication (https://kafka.apache.org/documentation/#replication)',
  minIsr: 'Kafka documentation, Availability and Durability Guarantees (https://kafka.apache.org/documentation/#design_ha): with acks=all, min.insync.replicas sets how many replicas must have a write; Kafka: The Definitive Guide, ch. 7 > Minimum In-Sync Replicas (RF 3 with min.insync.replicas 2)',
  unclean: 'Kafka documentation, Unclean leader election: What if they all die? (https://kafka.apache.org/documentation/#design_uncleanleader); off by default since Kafka 0.11 (KIP-106)',
  retention: 'Kafka documentation, topic configs retention.ms and retention.bytes (-1 means no limit; https://kafka.apache.org/documentation/#topicconfigs_retention.ms) and cleanup.policy',
  internal: 'Kafka documentation, broker configs offsets.topic.replication.factor and transaction.state.log.replication.factor (default 3; https://kafka.apache.org/documentation/#brokerconfigs_offsets.topic.replication.factor)',
  partitionState: 'Kafka documentation, Monitoring (https://kafka.apache.org/documentation/#monitoring): OfflinePartitionsCount, UnderReplicatedPartitions and UnderMinIsrPartitionCount, normal value 0; KIP-427 (under-min-ISR partitions refuse acks=all writes)',
  leaderBalance: 'Kafka documentation, Balancing leadership (https://kafka.apache.org/documentation/#basic_ops_leader_balancing); broker config leader.imbalance.per.broker.percentage (default 10) as the controller applies it',
  partitionCount: 'Confluent blog, Apache Kafka Supports 200K Partitions Per Cluster (Jun Rao, 2018): up to 4,000 partitions per broker and 200,000 per cluster; KIP-578 counts the partition replicas a broker hosts',
  partitionCountKraft: 'Confluent blog, Apache Kafka Supports 200K Partitions Per Cluster (Jun Rao, 2018): 200,000 per cluster, a ZooKeeper-era limit set by controller failover; KIP-500 (KRaft) removes that bottleneck and aims at millions of partitions',
} as const;
