// sarama-client drives a Kafka broker with sarama (Shopify/sarama 1.22, Debian's
// golang-github-shopify-sarama-dev) for test/interop/sarama.test.ts. Each subcommand prints
// JSON lines on stdout; the test decides what is right. Records follow one formula (record below)
// that the test recomputes, so a read-back can be compared byte for byte.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Shopify/sarama"
)

const baseTimestamp = 1700000000000 // ms; record i has timestamp baseTimestamp + i

var out = json.NewEncoder(os.Stdout)

func emit(v interface{}) {
	if err := out.Encode(v); err != nil {
		panic(err)
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// errInfo is an error as the test sees it: sarama's KError code when there is one, and its text.
type errInfo struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
}

func describeErr(err error) *errInfo {
	if err == nil {
		return nil
	}
	info := &errInfo{Code: -1, Msg: err.Error()}
	var kerr sarama.KError
	var terr *sarama.TopicError
	var perr *sarama.ProducerError
	switch {
	case errors.As(err, &perr):
		return describeErr(perr.Err)
	case errors.As(err, &terr):
		info.Code = int(terr.Err)
	case errors.As(err, &kerr):
		info.Code = int(kerr)
	}
	return info
}

// record is message i of a run tagged `tag`: some null keys and values, binary values of varying
// length, headers on some, timestamp baseTimestamp + i. sarama.test.ts has the same formula.
func record(tag string, i int) (key, value []byte, headers []sarama.RecordHeader, ts time.Time) {
	if i%50 != 49 {
		key = []byte(tag + "-" + strconv.Itoa(i))
	}
	if i%70 != 69 {
		value = make([]byte, (i*13)%400)
		for j := range value {
			value[j] = byte(i*7 + j*31)
		}
	}
	switch i % 3 {
	case 0:
		headers = []sarama.RecordHeader{{Key: []byte("idx"), Value: []byte(strconv.Itoa(i))}, {Key: []byte("bin"), Value: []byte{byte(i), 0, 255}}}
	case 2:
		headers = []sarama.RecordHeader{{Key: []byte("empty"), Value: []byte{}}}
	}
	return key, value, headers, time.Unix(0, int64(baseTimestamp+i)*int64(time.Millisecond))
}

// message is record i for the producer; sarama can send headers only from Kafka 0.11 (magic 2).
func message(cfg *sarama.Config, topic, tag string, i, partitions int) *sarama.ProducerMessage {
	key, value, headers, ts := record(tag, i)
	if !cfg.Version.IsAtLeast(sarama.V0_11_0_0) {
		headers = nil
	}
	m := &sarama.ProducerMessage{Topic: topic, Partition: int32(i % partitions), Headers: headers, Timestamp: ts, Metadata: i}
	if key != nil {
		m.Key = sarama.ByteEncoder(key)
	}
	if value != nil {
		m.Value = sarama.ByteEncoder(value)
	}
	return m
}

type common struct {
	brokers string
	version string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.brokers, "brokers", "127.0.0.1:9092", "bootstrap brokers")
	fs.StringVar(&c.version, "version", sarama.V2_1_0_0.String(), "Kafka version sarama assumes")
}

func (c *common) config() *sarama.Config {
	cfg := sarama.NewConfig()
	v, err := sarama.ParseKafkaVersion(c.version)
	if err != nil {
		fail("bad -version: %v", err)
	}
	cfg.Version = v
	cfg.ClientID = "sarama-interop"
	cfg.Metadata.Retry.Backoff = 50 * time.Millisecond
	cfg.Producer.Retry.Backoff = 50 * time.Millisecond
	cfg.Consumer.Retry.Backoff = 50 * time.Millisecond
	cfg.Consumer.MaxWaitTime = 100 * time.Millisecond
	return cfg
}

func (c *common) addrs() []string { return strings.Split(c.brokers, ",") }

func main() {
	if len(os.Args) < 2 {
		fail("usage: sarama-client admin|produce|consume|offsets|group|offset-manager|describe-group|delete-records [flags]")
	}
	cmd, args := os.Args[1], os.Args[2:]
	switch cmd {
	case "admin":
		admin(args)
	case "produce":
		produce(args)
	case "consume":
		consume(args)
	case "offsets":
		offsets(args)
	case "group":
		group(args)
	case "offset-manager":
		offsetManager(args)
	case "describe-group":
		describeGroup(args)
	case "delete-records":
		deleteRecords(args)
	default:
		fail("unknown subcommand %q", cmd)
	}
}

// admin: ClusterAdmin's topic lifecycle. Creates -topic with -partitions and retention.ms, tries
// again, describes, grows to -grow partitions, tries to shrink, reads/alters configs, deletes -delete.
func admin(args []string) {
	var c common
	fs := flag.NewFlagSet("admin", flag.ExitOnError)
	c.register(fs)
	topic := fs.String("topic", "", "topic to create")
	partitions := fs.Int("partitions", 1, "partitions at creation")
	grow := fs.Int("grow", 0, "partitions to grow to (0: no CreatePartitions)")
	deleteTopic := fs.String("delete", "", "a scratch topic to create and delete")
	missing := fs.String("missing", "no-such-topic", "a topic that does not exist, described beside -topic (empty: none)")
	_ = fs.Parse(args)
	cfg := c.config()
	ca, err := sarama.NewClusterAdmin(c.addrs(), cfg)
	if err != nil {
		fail("NewClusterAdmin: %v", err)
	}
	defer ca.Close()
	res := map[string]interface{}{}
	retention := "3600000"
	detail := &sarama.TopicDetail{NumPartitions: int32(*partitions), ReplicationFactor: 1, ConfigEntries: map[string]*string{"retention.ms": &retention}}
	res["create"] = describeErr(ca.CreateTopic(*topic, detail, false))
	res["createAgain"] = describeErr(ca.CreateTopic(*topic, detail, false))
	res["createBadPartitions"] = describeErr(ca.CreateTopic(*topic+"-bad", &sarama.TopicDetail{NumPartitions: 0, ReplicationFactor: 1}, false))
	res["createValidateOnly"] = describeErr(ca.CreateTopic(*topic+"-validate", &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, true))

	brokers, controller, err := ca.DescribeCluster()
	if err != nil {
		fail("DescribeCluster: %v", err)
	}
	var ids []int32
	for _, b := range brokers {
		ids = append(ids, b.ID())
	}
	res["cluster"] = map[string]interface{}{"brokers": ids, "controller": controller}

	describe := func() interface{} {
		names := []string{*topic}
		if *missing != "" {
			names = append(names, *missing)
		}
		md, err := ca.DescribeTopics(names)
		if err != nil {
			fail("DescribeTopics: %v", err)
		}
		var topics []map[string]interface{}
		for _, t := range md {
			var parts []map[string]interface{}
			for _, p := range t.Partitions {
				parts = append(parts, map[string]interface{}{"id": p.ID, "leader": p.Leader, "replicas": p.Replicas, "isr": p.Isr, "err": int(p.Err)})
			}
			sort.Slice(parts, func(i, j int) bool { return parts[i]["id"].(int32) < parts[j]["id"].(int32) })
			topics = append(topics, map[string]interface{}{"name": t.Name, "err": int(t.Err), "internal": t.IsInternal, "partitions": parts})
		}
		return topics
	}
	res["describe"] = describe()
	if !cfg.Version.IsAtLeast(sarama.V0_11_0_0) { // DescribeConfigs, AlterConfigs, CreatePartitions need 0.11/1.0
		emit(res)
		return
	}
	if *grow > 0 {
		res["grow"] = describeErr(ca.CreatePartitions(*topic, int32(*grow), nil, false))
		res["shrink"] = describeErr(ca.CreatePartitions(*topic, int32(*partitions), nil, false))
		res["growUnknown"] = describeErr(ca.CreatePartitions("no-such-topic", 3, nil, false))
		res["describeAfterGrow"] = describe()
	}

	configs := func() map[string]interface{} {
		entries, err := ca.DescribeConfig(sarama.ConfigResource{Type: sarama.TopicResource, Name: *topic, ConfigNames: []string{"retention.ms", "cleanup.policy", "max.message.bytes"}})
		if err != nil {
			fail("DescribeConfig: %v", err)
		}
		m := map[string]interface{}{}
		for _, e := range entries {
			m[e.Name] = map[string]interface{}{"value": e.Value, "default": e.Default, "readOnly": e.ReadOnly, "sensitive": e.Sensitive}
		}
		return m
	}
	res["configs"] = configs()
	maxBytes := "2000000"
	res["alter"] = describeErr(ca.AlterConfig(sarama.TopicResource, *topic, map[string]*string{"max.message.bytes": &maxBytes}, false))
	res["configsAfterAlter"] = configs()
	bogus := "1"
	res["alterUnknown"] = describeErr(ca.AlterConfig(sarama.TopicResource, *topic, map[string]*string{"no.such.config": &bogus}, false))
	bad := "-5"
	res["alterInvalid"] = describeErr(ca.AlterConfig(sarama.TopicResource, *topic, map[string]*string{"retention.bytes": &bogus, "segment.bytes": &bad}, false))
	res["configsAfterInvalid"] = configs()
	_, err = ca.DescribeConfig(sarama.ConfigResource{Type: sarama.TopicResource, Name: "no-such-topic"})
	res["describeConfigsUnknown"] = describeErr(err)

	listed, err := ca.ListTopics()
	if err != nil {
		fail("ListTopics: %v", err)
	}
	if d, ok := listed[*topic]; ok {
		cfgs := map[string]string{}
		for k, v := range d.ConfigEntries {
			cfgs[k] = *v
		}
		res["listed"] = map[string]interface{}{"partitions": d.NumPartitions, "replication": d.ReplicationFactor, "configs": cfgs}
	}

	if *deleteTopic != "" {
		res["createScratch"] = describeErr(ca.CreateTopic(*deleteTopic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, false))
		res["deleteScratch"] = describeErr(ca.DeleteTopic(*deleteTopic))
		res["deleteScratchAgain"] = describeErr(ca.DeleteTopic(*deleteTopic))
		after, err := ca.ListTopics()
		if err != nil {
			fail("ListTopics: %v", err)
		}
		names := []string{}
		for name := range after {
			names = append(names, name)
		}
		sort.Strings(names)
		res["topicsAfterDelete"] = names
	}
	emit(res)
}

// produce: -count records of run -tag to -topic (record i to partition i % -partitions) with a
// SyncProducer or an AsyncProducer, -acks 0|1|all, -codec, optionally idempotent.
func produce(args []string) {
	var c common
	fs := flag.NewFlagSet("produce", flag.ExitOnError)
	c.register(fs)
	topic := fs.String("topic", "", "topic")
	tag := fs.String("tag", "", "run tag (key prefix)")
	count := fs.Int("count", 1000, "records")
	partitions := fs.Int("partitions", 1, "partitions of the topic")
	codec := fs.String("codec", "none", "none|gzip|snappy|lz4|zstd")
	acks := fs.String("acks", "1", "0|1|all")
	mode := fs.String("mode", "async", "sync|async")
	idempotent := fs.Bool("idempotent", false, "idempotent producer")
	_ = fs.Parse(args)
	cfg := c.config()
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	cfg.Producer.Return.Successes = true
	cfg.Producer.Return.Errors = true
	cfg.Producer.Flush.Messages = 500
	cfg.Producer.Flush.Frequency = 5 * time.Millisecond
	switch *codec {
	case "none":
		cfg.Producer.Compression = sarama.CompressionNone
	case "gzip":
		cfg.Producer.Compression = sarama.CompressionGZIP
	case "snappy":
		cfg.Producer.Compression = sarama.CompressionSnappy
	case "lz4":
		cfg.Producer.Compression = sarama.CompressionLZ4
	case "zstd":
		cfg.Producer.Compression = sarama.CompressionZSTD
	default:
		fail("unknown codec %q", *codec)
	}
	switch *acks {
	case "0":
		cfg.Producer.RequiredAcks = sarama.NoResponse
	case "1":
		cfg.Producer.RequiredAcks = sarama.WaitForLocal
	case "all":
		cfg.Producer.RequiredAcks = sarama.WaitForAll
	default:
		fail("unknown acks %q", *acks)
	}
	if *idempotent {
		cfg.Producer.Idempotent = true
		cfg.Net.MaxOpenRequests = 1
		cfg.Producer.Retry.Max = 5
	}
	offsets := map[int32][]int64{} // partition -> offsets acknowledged, in send order
	var errs []*errInfo
	record := func(m *sarama.ProducerMessage) { offsets[m.Partition] = append(offsets[m.Partition], m.Offset) }
	start := time.Now()
	if *mode == "sync" {
		p, err := sarama.NewSyncProducer(c.addrs(), cfg)
		if err != nil {
			fail("NewSyncProducer: %v", err)
		}
		// One at a time for the first tenth (SendMessage), then in slices of 100 (SendMessages).
		i := 0
		for ; i < *count/10; i++ {
			m := message(cfg, *topic, *tag, i, *partitions)
			if _, _, err := p.SendMessage(m); err != nil {
				errs = append(errs, describeErr(err))
			} else {
				record(m)
			}
		}
		for i < *count {
			var batch []*sarama.ProducerMessage
			for ; i < *count && len(batch) < 100; i++ {
				batch = append(batch, message(cfg, *topic, *tag, i, *partitions))
			}
			failed := map[*sarama.ProducerMessage]bool{}
			if err := p.SendMessages(batch); err != nil {
				var perrs sarama.ProducerErrors
				if !errors.As(err, &perrs) {
					fail("SendMessages: %v", err)
				}
				for _, e := range perrs {
					failed[e.Msg] = true
					errs = append(errs, describeErr(e.Err))
				}
			}
			for _, m := range batch {
				if !failed[m] {
					record(m)
				}
			}
		}
		if err := p.Close(); err != nil {
			fail("close: %v", err)
		}
	} else {
		p, err := sarama.NewAsyncProducer(c.addrs(), cfg)
		if err != nil {
			fail("NewAsyncProducer: %v", err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		wg.Add(2)
		go func() {
			defer wg.Done()
			for m := range p.Successes() {
				mu.Lock()
				record(m)
				mu.Unlock()
			}
		}()
		go func() {
			defer wg.Done()
			for e := range p.Errors() {
				mu.Lock()
				errs = append(errs, describeErr(e.Err))
				mu.Unlock()
			}
		}()
		for i := 0; i < *count; i++ {
			p.Input() <- message(cfg, *topic, *tag, i, *partitions)
		}
		p.AsyncClose()
		wg.Wait()
	}
	// Offsets per partition: how many, first, last, and whether they are consecutive.
	summary := map[string]interface{}{}
	for part, offs := range offsets {
		sorted := append([]int64(nil), offs...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
		consecutive := true
		for k := 1; k < len(sorted); k++ {
			if sorted[k] != sorted[k-1]+1 {
				consecutive = false
			}
		}
		summary[strconv.Itoa(int(part))] = map[string]interface{}{"count": len(offs), "first": sorted[0], "last": sorted[len(sorted)-1], "consecutive": consecutive}
	}
	if errs == nil {
		errs = []*errInfo{}
	}
	emit(map[string]interface{}{"tag": *tag, "offsets": summary, "errors": errs, "ms": time.Since(start).Milliseconds()})
}

type consumed struct {
	P  int32       `json:"p"`
	O  int64       `json:"o"`
	K  []byte      `json:"k"` // base64, null for a null key
	V  []byte      `json:"v"`
	H  [][2][]byte `json:"h"`
	Ts int64       `json:"ts"`
}

func toConsumed(m *sarama.ConsumerMessage) consumed {
	h := [][2][]byte{}
	for _, rh := range m.Headers {
		h = append(h, [2][]byte{rh.Key, rh.Value})
	}
	return consumed{P: m.Partition, O: m.Offset, K: m.Key, V: m.Value, H: h, Ts: m.Timestamp.UnixNano() / int64(time.Millisecond)}
}

// consume: every record of every partition of -topic from the oldest offset up to the newest
// offset seen at start, one JSON line each, then a summary line.
func consume(args []string) {
	var c common
	fs := flag.NewFlagSet("consume", flag.ExitOnError)
	c.register(fs)
	topic := fs.String("topic", "", "topic")
	_ = fs.Parse(args)
	cfg := c.config()
	cfg.Consumer.Return.Errors = true
	client, err := sarama.NewClient(c.addrs(), cfg)
	if err != nil {
		fail("NewClient: %v", err)
	}
	defer client.Close()
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		fail("NewConsumer: %v", err)
	}
	defer consumer.Close()
	parts, err := client.Partitions(*topic)
	if err != nil {
		fail("Partitions: %v", err)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	counts := map[string]int{}
	for _, part := range parts {
		oldest, err1 := client.GetOffset(*topic, part, sarama.OffsetOldest)
		newest, err2 := client.GetOffset(*topic, part, sarama.OffsetNewest)
		if err1 != nil || err2 != nil {
			fail("GetOffset: %v %v", err1, err2)
		}
		if newest == oldest {
			continue
		}
		pc, err := consumer.ConsumePartition(*topic, part, sarama.OffsetOldest)
		if err != nil {
			fail("ConsumePartition: %v", err)
		}
		wg.Add(1)
		go func(part int32, pc sarama.PartitionConsumer, newest int64) {
			defer wg.Done()
			defer pc.Close()
			n := 0
			for {
				select {
				case m := <-pc.Messages():
					mu.Lock()
					emit(toConsumed(m))
					mu.Unlock()
					n++
					if m.Offset+1 >= newest {
						mu.Lock()
						counts[strconv.Itoa(int(part))] = n
						mu.Unlock()
						return
					}
				case e := <-pc.Errors():
					fail("partition %d: %v", part, e)
				case <-time.After(20 * time.Second):
					fail("partition %d: timed out after %d records", part, n)
				}
			}
		}(part, pc, newest)
	}
	wg.Wait()
	emit(map[string]interface{}{"done": true, "counts": counts})
}

// offsets: OffsetOldest/OffsetNewest and an out-of-range offset on partition 0 of -topic, through
// the PartitionConsumer and through a raw Fetch (the broker's own error code).
func offsets(args []string) {
	var c common
	fs := flag.NewFlagSet("offsets", flag.ExitOnError)
	c.register(fs)
	topic := fs.String("topic", "", "topic")
	_ = fs.Parse(args)
	cfg := c.config()
	cfg.Consumer.Return.Errors = true
	cfg.Producer.Return.Successes = true
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	client, err := sarama.NewClient(c.addrs(), cfg)
	if err != nil {
		fail("NewClient: %v", err)
	}
	defer client.Close()
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		fail("NewConsumer: %v", err)
	}
	defer consumer.Close()
	res := map[string]interface{}{}
	oldest, _ := client.GetOffset(*topic, 0, sarama.OffsetOldest)
	newest, _ := client.GetOffset(*topic, 0, sarama.OffsetNewest)
	res["oldest"], res["newest"] = oldest, newest

	first := func(offset int64) interface{} { return firstMessage(consumer, *topic, offset) }
	res["fromOldest"] = first(sarama.OffsetOldest)
	res["fromMiddle"] = first(newest / 2)

	// OffsetNewest: nothing until a record is produced, then exactly that record.
	pc, err := consumer.ConsumePartition(*topic, 0, sarama.OffsetNewest)
	if err != nil {
		fail("ConsumePartition newest: %v", err)
	}
	select {
	case m := <-pc.Messages():
		fail("OffsetNewest delivered offset %d before anything was produced", m.Offset)
	case <-time.After(300 * time.Millisecond):
	}
	producer, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		fail("NewSyncProducer: %v", err)
	}
	_, off, err := producer.SendMessage(message(cfg, *topic, "newest", 0, 1))
	if err != nil {
		fail("SendMessage: %v", err)
	}
	res["producedAt"] = off
	select {
	case m := <-pc.Messages():
		res["fromNewest"] = toConsumed(m)
	case e := <-pc.Errors():
		res["fromNewest"] = map[string]interface{}{"error": describeErr(e.Err)}
	case <-time.After(10 * time.Second):
		res["fromNewest"] = "timeout"
	}
	pc.Close()

	// Out of range, as sarama checks it (ListOffsets) and as the broker answers a Fetch.
	res["pastEnd"] = first(off + 1000)
	res["negative"] = first(-5)
	leader, err := client.Leader(*topic, 0)
	if err != nil {
		fail("Leader: %v", err)
	}
	for _, fetchOffset := range []int64{off + 1000, off + 1} {
		req := &sarama.FetchRequest{MaxWaitTime: 10, MinBytes: 1, Version: 3, MaxBytes: 1 << 20}
		if cfg.Version.IsAtLeast(sarama.V0_11_0_0) {
			req.Version = 4
		}
		req.AddBlock(*topic, 0, fetchOffset, 1<<20)
		resp, err := leader.Fetch(req)
		if err != nil {
			fail("Fetch: %v", err)
		}
		block := resp.GetBlock(*topic, 0)
		res["rawFetch@"+strconv.FormatInt(fetchOffset-off, 10)] = map[string]interface{}{"err": int(block.Err), "hwm": block.HighWaterMarkOffset, "recordSets": len(block.RecordsSet)}
	}
	emit(res)
}

// groupMember is one ConsumerGroup member: what it was given in each generation and what it read.
type groupMember struct {
	name     string
	mu       *sync.Mutex
	seen     map[string]int // "p/o" -> times delivered
	records  *[]consumed
	sessions []map[string]interface{}
	setup    chan int32 // generation of each Setup
	onRecord func()
}

func (g *groupMember) Setup(s sarama.ConsumerGroupSession) error {
	g.mu.Lock()
	claims := append([]int32(nil), s.Claims()[flagTopic]...)
	sort.Slice(claims, func(i, j int) bool { return claims[i] < claims[j] })
	g.sessions = append(g.sessions, map[string]interface{}{"generation": s.GenerationID(), "claims": claims, "memberId": s.MemberID()})
	g.mu.Unlock()
	g.setup <- s.GenerationID()
	return nil
}

func (g *groupMember) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (g *groupMember) ConsumeClaim(s sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	g.mu.Lock()
	g.sessions[len(g.sessions)-1]["initial/"+strconv.Itoa(int(claim.Partition()))] = claim.InitialOffset()
	g.mu.Unlock()
	for m := range claim.Messages() {
		g.mu.Lock()
		key := fmt.Sprintf("%d/%d", m.Partition, m.Offset)
		g.seen[key]++
		*g.records = append(*g.records, toConsumed(m))
		g.mu.Unlock()
		s.MarkMessage(m, "by "+g.name)
		g.onRecord()
	}
	return nil
}

var flagTopic string

// group: two ConsumerGroup members. A joins alone and reads the -expect records already in -topic;
// then B joins (a rebalance splits the partitions), -more records are produced and read by whichever
// member holds their partition; B leaves, then A. With -members 1: one member reads -expect records
// (what was produced after the last commit) and leaves.
func group(args []string) {
	var c common
	fs := flag.NewFlagSet("group", flag.ExitOnError)
	c.register(fs)
	fs.StringVar(&flagTopic, "topic", "", "topic")
	groupID := fs.String("group", "sarama-group", "group id")
	expect := fs.Int("expect", 0, "records to read before B joins (or in total with -members 1)")
	more := fs.Int("more", 0, "records to produce after the rebalance")
	members := fs.Int("members", 2, "1 or 2")
	partitions := fs.Int("partitions", 1, "partitions of the topic")
	strategy := fs.String("strategy", "range", "range|roundrobin")
	_ = fs.Parse(args)
	cfg := c.config()
	cfg.Consumer.Return.Errors = true
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Offsets.CommitInterval = 100 * time.Millisecond
	cfg.Consumer.Group.Heartbeat.Interval = 100 * time.Millisecond
	cfg.Consumer.Group.Session.Timeout = 6 * time.Second
	cfg.Consumer.Group.Rebalance.Timeout = 10 * time.Second
	if *strategy == "roundrobin" {
		cfg.Consumer.Group.Rebalance.Strategy = sarama.BalanceStrategyRoundRobin
	}
	var mu sync.Mutex
	var records []consumed
	seen := map[string]int{}
	progress := make(chan struct{}, 1)
	notify := func() {
		select {
		case progress <- struct{}{}:
		default:
		}
	}
	total := func() int { mu.Lock(); defer mu.Unlock(); return len(records) }
	waitFor := func(n int, what string) {
		deadline := time.After(30 * time.Second)
		for total() < n {
			select {
			case <-progress:
			case <-time.After(50 * time.Millisecond):
			case <-deadline:
				fail("timed out waiting for %s: %d of %d records", what, total(), n)
			}
		}
	}
	start := func(name string) (*groupMember, sarama.ConsumerGroup, chan error) {
		m := &groupMember{name: name, mu: &mu, seen: seen, records: &records, setup: make(chan int32, 16), onRecord: notify}
		cg, err := sarama.NewConsumerGroup(c.addrs(), *groupID, cfg)
		if err != nil {
			fail("NewConsumerGroup: %v", err)
		}
		done := make(chan error, 1)
		go func() {
			for err := range cg.Errors() {
				fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			}
		}()
		go func() {
			for {
				if err := cg.Consume(context.Background(), []string{flagTopic}, m); err != nil {
					done <- err
					return
				}
			}
		}()
		return m, cg, done
	}
	waitSetup := func(m *groupMember, what string) int32 {
		select {
		case gen := <-m.setup:
			return gen
		case <-time.After(30 * time.Second):
			fail("timed out waiting for %s", what)
		}
		return 0
	}
	res := map[string]interface{}{}
	a, cgA, _ := start("A")
	genA := waitSetup(a, "A's first session")
	waitFor(*expect, "A to read the existing records")
	if *members == 2 {
		b, cgB, _ := start("B")
		genB := waitSetup(b, "B's first session")
		for genA != genB { // A rejoins in B's generation (possibly after an intermediate one)
			genA = waitSetup(a, "A's session after B joined")
		}
		producer, err := sarama.NewSyncProducer(c.addrs(), func() *sarama.Config {
			pc := c.config()
			pc.Producer.Return.Successes = true
			pc.Producer.Partitioner = sarama.NewManualPartitioner
			return pc
		}())
		if err != nil {
			fail("NewSyncProducer: %v", err)
		}
		var batch []*sarama.ProducerMessage
		for i := 0; i < *more; i++ {
			batch = append(batch, message(cfg, flagTopic, "group", i, *partitions))
		}
		if err := producer.SendMessages(batch); err != nil {
			fail("SendMessages: %v", err)
		}
		producer.Close()
		waitFor(*expect+*more, "the records produced after the rebalance")
		if err := cgB.Close(); err != nil {
			fail("close B: %v", err)
		}
		waitSetup(a, "A's session after B left")
		mu.Lock()
		res["B"] = b.sessions
		mu.Unlock()
	}
	if err := cgA.Close(); err != nil {
		fail("close A: %v", err)
	}
	mu.Lock()
	res["A"] = a.sessions
	dups := 0
	for _, n := range seen {
		if n > 1 {
			dups++
		}
	}
	res["duplicates"] = dups
	res["count"] = len(records)
	mu.Unlock()
	for _, r := range records {
		emit(r)
	}
	emit(res)
}

// describeGroup: ClusterAdmin's view of a group (ListConsumerGroups, DescribeConsumerGroups,
// ListConsumerGroupOffsets) and the newest offsets of -topic.
func describeGroup(args []string) {
	var c common
	fs := flag.NewFlagSet("describe-group", flag.ExitOnError)
	c.register(fs)
	topic := fs.String("topic", "", "topic")
	groupID := fs.String("group", "", "group id")
	_ = fs.Parse(args)
	cfg := c.config()
	ca, err := sarama.NewClusterAdmin(c.addrs(), cfg)
	if err != nil {
		fail("NewClusterAdmin: %v", err)
	}
	defer ca.Close()
	client, err := sarama.NewClient(c.addrs(), cfg)
	if err != nil {
		fail("NewClient: %v", err)
	}
	defer client.Close()
	res := map[string]interface{}{}
	groups, err := ca.ListConsumerGroups()
	if err != nil {
		fail("ListConsumerGroups: %v", err)
	}
	res["groups"] = groups
	desc, err := ca.DescribeConsumerGroups([]string{*groupID})
	if err != nil {
		fail("DescribeConsumerGroups: %v", err)
	}
	for _, d := range desc {
		res["state"], res["protocolType"], res["members"], res["err"] = d.State, d.ProtocolType, len(d.Members), int(d.Err)
	}
	parts, err := client.Partitions(*topic)
	if err != nil {
		fail("Partitions: %v", err)
	}
	committed, newest := map[string]int64{}, map[string]int64{}
	resp, err := ca.ListConsumerGroupOffsets(*groupID, map[string][]int32{*topic: parts})
	if err != nil {
		fail("ListConsumerGroupOffsets: %v", err)
	}
	for _, p := range parts {
		if b := resp.GetBlock(*topic, p); b != nil {
			committed[strconv.Itoa(int(p))] = b.Offset
			res["metadata"] = b.Metadata
		}
		n, err := client.GetOffset(*topic, p, sarama.OffsetNewest)
		if err != nil {
			fail("GetOffset: %v", err)
		}
		newest[strconv.Itoa(int(p))] = n
	}
	res["committed"], res["newest"] = committed, newest
	emit(res)
}

// offsetManager: the standalone OffsetManager (no group membership): reads the next offset of
// partition 0, marks -mark, closes (committing), and reads it back with a new manager.
func offsetManager(args []string) {
	var c common
	fs := flag.NewFlagSet("offset-manager", flag.ExitOnError)
	c.register(fs)
	topic := fs.String("topic", "", "topic")
	groupID := fs.String("group", "sarama-om", "group id")
	mark := fs.Int64("mark", 0, "offset to mark")
	_ = fs.Parse(args)
	cfg := c.config()
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Offsets.CommitInterval = 100 * time.Millisecond // a POM's Close waits for the next tick
	client, err := sarama.NewClient(c.addrs(), cfg)
	if err != nil {
		fail("NewClient: %v", err)
	}
	defer client.Close()
	next := func() (int64, string) {
		om, err := sarama.NewOffsetManagerFromClient(*groupID, client)
		if err != nil {
			fail("NewOffsetManager: %v", err)
		}
		defer om.Close()
		pom, err := om.ManagePartition(*topic, 0)
		if err != nil {
			fail("ManagePartition: %v", err)
		}
		defer pom.Close()
		return pom.NextOffset()
	}
	res := map[string]interface{}{}
	res["before"], _ = next()
	om, err := sarama.NewOffsetManagerFromClient(*groupID, client)
	if err != nil {
		fail("NewOffsetManager: %v", err)
	}
	pom, err := om.ManagePartition(*topic, 0)
	if err != nil {
		fail("ManagePartition: %v", err)
	}
	pom.MarkOffset(*mark, "marked by sarama")
	if err := pom.Close(); err != nil {
		fail("pom close: %v", err)
	}
	if err := om.Close(); err != nil {
		fail("om close: %v", err)
	}
	after, meta := next()
	res["after"], res["metadata"] = after, meta
	emit(res)
}

// deleteRecords: ClusterAdmin.DeleteRecords below -before on partition 0 of -topic, then where the
// log starts (OffsetOldest), what a PartitionConsumer reads from there, and an offset below it.
func deleteRecords(args []string) {
	var c common
	fs := flag.NewFlagSet("delete-records", flag.ExitOnError)
	c.register(fs)
	topic := fs.String("topic", "", "topic")
	before := fs.Int64("before", 0, "new log start offset of partition 0")
	_ = fs.Parse(args)
	cfg := c.config()
	cfg.Consumer.Return.Errors = true
	ca, err := sarama.NewClusterAdmin(c.addrs(), cfg)
	if err != nil {
		fail("NewClusterAdmin: %v", err)
	}
	defer ca.Close()
	res := map[string]interface{}{}
	res["delete"] = describeErr(ca.DeleteRecords(*topic, map[int32]int64{0: *before}))
	client, err := sarama.NewClient(c.addrs(), cfg)
	if err != nil {
		fail("NewClient: %v", err)
	}
	defer client.Close()
	res["oldest"], _ = client.GetOffset(*topic, 0, sarama.OffsetOldest)
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		fail("NewConsumer: %v", err)
	}
	defer consumer.Close()
	first := func(offset int64) interface{} { return firstMessage(consumer, *topic, offset) }
	res["fromOldest"] = first(sarama.OffsetOldest)
	res["belowStart"] = first(*before - 1)
	emit(res)
}

// firstMessage reads partition 0 of topic from offset: the first message, or the error sarama reports.
func firstMessage(consumer sarama.Consumer, topic string, offset int64) interface{} {
	pc, err := consumer.ConsumePartition(topic, 0, offset)
	if err != nil {
		return map[string]interface{}{"error": describeErr(err)}
	}
	defer pc.Close()
	select {
	case m := <-pc.Messages():
		return toConsumed(m)
	case e := <-pc.Errors():
		return map[string]interface{}{"error": describeErr(e.Err)}
	case <-time.After(10 * time.Second):
		return map[string]interface{}{"error": "timeout"}
	}
}
