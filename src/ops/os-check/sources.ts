/** Where each threshold comes from; cited in every check result. */
export const SOURCE = {
  kafkaOs: 'Kafka documentation, Hardware and OS > OS (https://kafka.apache.org/documentation/#os)',
  kafkaFs: 'Kafka documentation, Hardware and OS > Filesystem Selection, General Filesystem Notes, XFS Notes (https://kafka.apache.org/documentation/#filesystems)',
  kafkaMemory: 'Kafka documentation, Hardware and OS > Memory and Understanding Linux OS Flush Behavior (https://kafka.apache.org/documentation/#hwandos)',
  guideVm: 'Kafka: The Definitive Guide (Narkhede, Shapira, Palino), ch. 2, Configuring the OS > Virtual Memory',
  guideNet: 'Kafka: The Definitive Guide (Narkhede, Shapira, Palino), ch. 2, Configuring the OS > Networking',
  guideDisk: 'Kafka: The Definitive Guide (Narkhede, Shapira, Palino), ch. 2, Configuring the OS > Disk',
  rpkNet: 'rpk redpanda check: SynBacklogChecker, ListenBacklogChecker (>= 4096; src/go/rpk/pkg/tuners/network/const.go)',
  rpkClock: 'rpk redpanda check: ClockSource checker (tsc; src/go/rpk/pkg/tuners/clocksource.go)',
  rpkKernel: 'rpk redpanda check: KernelVersion checker (>= 4.19; src/go/rpk/pkg/tuners/kernel_version.go)',
  rpkScheduler: 'rpk redpanda check: SchedulerChecker (none or noop; src/go/rpk/pkg/tuners/disk_checkers.go)',
  rpkDisk: 'rpk redpanda check: DiskSpaceChecker (>= 10 GB free; src/go/rpk/pkg/tuners/redpanda_checkers.go)',
  thp: 'Linux kernel docs, admin-guide/mm/transhuge (enabled=always can stall allocations on compaction); rpk enables THP for Redpanda\'s Seastar allocator, which does not apply to a JVM or Node.js broker',
} as const;
