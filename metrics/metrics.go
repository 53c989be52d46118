// Package metrics holds the service's Prometheus collectors, served at /metrics.
package metrics

import (
	"database/sql"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the collectors of one service instance, on a registry of their own.
type Metrics struct {
	registry         *prometheus.Registry
	HTTPDuration     *prometheus.HistogramVec
	GraphQLDuration  *prometheus.HistogramVec
	Errors           *prometheus.CounterVec
	WebSocketsActive prometheus.Gauge
}

// New registers the collectors, the Go runtime's and db's connection pool statistics.
func New(db *sql.DB) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		HTTPDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "lendgraph_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern, method and status.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method", "status"}),
		GraphQLDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "lendgraph_graphql_operation_duration_seconds",
			Help:    "GraphQL operation latency by operation type and name.",
			Buckets: prometheus.DefBuckets,
		}, []string{"type", "operation"}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lendgraph_errors_total",
			Help: "Errors answered to clients, by error code and API (graphql or rest).",
		}, []string{"api", "code"}),
		WebSocketsActive: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "lendgraph_websockets_active",
			Help: "Open GraphQL WebSocket connections.",
		}),
	}
	m.registry.MustRegister(
		m.HTTPDuration, m.GraphQLDuration, m.Errors, m.WebSocketsActive,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db, "lendgraph"),
	)
	return m
}

// Observe registers a counter (or a gauge when gauge is set) read from value when scraped.
func (m *Metrics) Observe(name, help string, gauge bool, value func() float64) {
	opts := prometheus.Opts{Name: name, Help: help}
	if gauge {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts(opts), value))
		return
	}
	m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts(opts), value))
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
