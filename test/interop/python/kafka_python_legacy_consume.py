"""kafka-python 2.x as an old consumer: api_version (0, 9) fetches with Fetch v1 (magic 0 message
sets), (0, 10) with Fetch v2 (magic 1). Reads partition 0 of the topic from the beginning up to the
given end offset, without a group, and prints one JSON document per api version: offset, key,
value and timestamp of every message."""
import json
import sys

from kafka import KafkaConsumer, TopicPartition

bootstrap, topic, end = sys.argv[1], sys.argv[2], int(sys.argv[3])
result = {}
for api_version in ((0, 9), (0, 10)):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, api_version=api_version, group_id=None,
                             enable_auto_commit=False, consumer_timeout_ms=10000)
    tp = TopicPartition(topic, 0)
    consumer.assign([tp])
    consumer.seek_to_beginning(tp)
    messages = []
    for m in consumer:
        messages.append([m.offset, m.key.decode() if m.key is not None else None,
                         m.value.decode() if m.value is not None else None, m.timestamp])
        if m.offset + 1 >= end:
            break
    consumer.close()
    result['.'.join(map(str, api_version))] = messages
print(json.dumps(result))
