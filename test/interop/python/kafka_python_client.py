"""kafka-python 2.x against a kstream broker: admin, produce (plain and gzip), a consumer group
with commits, offsets by time, group admin, delete. Prints one JSON document of what it saw."""
import json
import sys

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

bootstrap = sys.argv[1]
admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id='kstream-interop')
admin.create_topics([NewTopic('py-topic', 3, 1, topic_configs={'retention.ms': '3600000'})])
result = {'topics': sorted(admin.list_topics())}

for codec in (None, 'gzip'):
    producer = KafkaProducer(bootstrap_servers=bootstrap, compression_type=codec, acks='all')
    futures = [producer.send('py-topic', key=str(i).encode(), value=('%s-%d' % (codec, i)).encode()) for i in range(1000)]
    producer.flush()
    for f in futures:
        f.get(timeout=10)
    producer.close()

consumer = KafkaConsumer('py-topic', bootstrap_servers=bootstrap, group_id='py-group', auto_offset_reset='earliest',
                         consumer_timeout_ms=10000, enable_auto_commit=False)
values = []
for message in consumer:
    values.append(message.value.decode())
    if len(values) == 2000:
        break
consumer.commit()
partitions = [TopicPartition('py-topic', p) for p in range(3)]
result['consumed'] = sorted(values)
result['committed'] = [consumer.committed(tp) for tp in partitions]
result['end'] = [consumer.end_offsets(partitions)[tp] for tp in partitions]
result['offsetAtZero'] = consumer.offsets_for_times({partitions[0]: 0})[partitions[0]].offset
consumer.close()

result['groups'] = sorted(g[0] for g in admin.list_consumer_groups())
result['groupState'] = admin.describe_consumer_groups(['py-group'])[0].state
result['groupOffsets'] = sorted(o.offset for o in admin.list_consumer_group_offsets('py-group').values())
admin.delete_topics(['py-topic'])
result['topicsAfterDelete'] = sorted(admin.list_topics())
admin.close()
print(json.dumps(result))
