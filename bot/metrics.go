package bot

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the service's Prometheus metrics, in their own registry.
type Metrics struct {
	Registry     *prometheus.Registry
	Messages     *prometheus.CounterVec   // inbound messages by channel and outcome
	Latency      *prometheus.HistogramVec // time to process one inbound message, by channel
	Handoffs     prometheus.Counter
	Safeguarding prometheus.Counter
	Sent         *prometheus.CounterVec // outbound deliveries by channel and result
	Duplicates   prometheus.Counter
	Conflicts    prometheus.Counter // turns run again because another instance committed first

	// byChannel caches each channel's Messages counters and Latency observer, so a
	// message costs no label lookup (channel name -> *channelMetrics).
	byChannel sync.Map
}

// channelMetrics are one channel's children of Messages and Latency.
type channelMetrics struct {
	ok, rejected, failed, duplicate prometheus.Counter
	latency                         prometheus.Observer
}

// channel returns name's metrics, made on first use.
func (m *Metrics) channel(name string) *channelMetrics {
	if c, ok := m.byChannel.Load(name); ok {
		return c.(*channelMetrics)
	}
	c := &channelMetrics{
		ok: m.Messages.WithLabelValues(name, "ok"), rejected: m.Messages.WithLabelValues(name, "rejected"),
		failed: m.Messages.WithLabelValues(name, "error"), duplicate: m.Messages.WithLabelValues(name, "duplicate"),
		latency: m.Latency.WithLabelValues(name),
	}
	got, _ := m.byChannel.LoadOrStore(name, c)
	return got.(*channelMetrics)
}

// NewMetrics registers the metrics. outboxDepth is read on each scrape.
func NewMetrics(outboxDepth func(ctx context.Context) (int, error)) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "careersbot_messages_total", Help: "Inbound messages processed, by channel and outcome.",
		}, []string{"channel", "outcome"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "careersbot_message_duration_seconds",
			Help:    "Time from queueing an inbound message to its commit (waiting in its conversation's lane, engine, commit).",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .25, .5, 1, 2.5},
		}, []string{"channel"}),
		Handoffs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "careersbot_handoffs_total", Help: "Conversations handed to an adviser.",
		}),
		Safeguarding: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "careersbot_safeguarding_flags_total", Help: "Messages flagged by the safeguarding gate.",
		}),
		Sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "careersbot_outbound_total", Help: "Outbound delivery attempts, by channel and result (sent, retry, failed).",
		}, []string{"channel", "result"}),
		Duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "careersbot_duplicate_deliveries_total", Help: "Inbound deliveries answered from the dedup record.",
		}),
		Conflicts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "careersbot_conversation_conflicts_total", Help: "Turns run again because another instance committed the conversation first.",
		}),
	}
	m.Registry.MustRegister(m.Messages, m.Latency, m.Handoffs, m.Safeguarding, m.Sent, m.Duplicates, m.Conflicts,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if outboxDepth != nil {
		m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "careersbot_outbox_depth", Help: "Outbound messages waiting for delivery.",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := outboxDepth(ctx)
			if err != nil {
				return -1
			}
			return float64(n)
		}))
	}
	return m
}
