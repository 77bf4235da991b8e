"""kafka-python 2.x as an old client: api_version (0, 9) sends magic 0 message sets in Produce v1,
(0, 10) magic 1 in Produce v2, each plain and gzip. Prints one JSON document: the offsets the
broker acknowledged and the timestamps the producer used (magic 1)."""
import json
import sys

from kafka import KafkaProducer

bootstrap, topic = sys.argv[1], sys.argv[2]
result = {}
for api_version in ((0, 9), (0, 10)):
    for codec in (None, 'gzip'):
        name = '%s-%s' % ('.'.join(map(str, api_version)), codec)
        producer = KafkaProducer(bootstrap_servers=bootstrap, api_version=api_version, compression_type=codec,
                                 acks='all', linger_ms=20)
        futures = [producer.send(topic, partition=0, key=('%s-k%d' % (name, i)).encode(),
                                 value=('%s-v%d' % (name, i)).encode()) for i in range(100)]
        producer.flush()
        metadata = [f.get(timeout=10) for f in futures]
        producer.close()
        result[name] = {'offsets': [m.offset for m in metadata], 'timestamps': [m.timestamp for m in metadata]}
print(json.dumps(result))
