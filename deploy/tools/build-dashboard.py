#!/usr/bin/env python3
"""Writes deploy/grafana-dashboard.json. Edit the panels here, run this, commit both files.
Every query selects on namespace and pod (variables), so one dashboard serves every release; the
e2e test test-e2e/metrics.e2e.test.ts checks that each metric named here is exported."""
import json, os

SEL = 'namespace=~"$namespace",pod=~"$pod"'
GW = f'excloud_service="gateway",{SEL}'
panels = []

def panel(title, unit, *targets, w=12, kind="timeseries", desc=None):
    p = {"id": len(panels) + 1, "type": kind, "title": title,
         "datasource": {"type": "prometheus", "uid": "${datasource}"},
         "gridPos": {"x": 0, "y": 0, "w": w, "h": 8},
         "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
         "targets": [{"refId": chr(65 + i), "expr": e, "legendFormat": l} for i, (e, l) in enumerate(targets)]}
    if desc: p["description"] = desc
    panels.append(p)

def row(title):
    panels.append({"id": len(panels) + 1, "type": "row", "title": title, "collapsed": False,
                   "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1}, "panels": []})

row("S3 traffic (gateway)")
panel("5xx ratio", "percentunit",
      (f'sum(rate(excloud_http_requests_total{{{GW},status=~"5..|truncated"}}[5m])) / sum(rate(excloud_http_requests_total{{{GW}}}[5m]))', "5xx + truncated bodies"),
      w=6, kind="stat", desc="Share of S3 requests that failed on our side: 5xx answers and 200s whose body broke off (status=truncated).")
panel("Requests/s by operation", "reqps", (f'sum by (operation) (rate(excloud_http_requests_total{{{GW}}}[5m]))', "{{operation}}"), w=9)
panel("Errors/s by status", "reqps",
      (f'sum by (status) (rate(excloud_http_requests_total{{{GW},status=~"[45]..|truncated|client_aborted"}}[5m]))', "{{status}}"), w=9)
panel("Latency p50 / p99 by operation", "s",
      (f'histogram_quantile(0.5, sum by (le, operation) (rate(excloud_http_request_duration_seconds_bucket{{{GW}}}[5m])))', "p50 {{operation}}"),
      (f'histogram_quantile(0.99, sum by (le, operation) (rate(excloud_http_request_duration_seconds_bucket{{{GW}}}[5m])))', "p99 {{operation}}"))
panel("Throughput (bytes/s in and out)", "Bps",
      (f'sum by (operation) (rate(excloud_gateway_received_bytes_total{{{SEL}}}[5m]))', "in {{operation}}"),
      (f'-sum by (operation) (rate(excloud_gateway_sent_bytes_total{{{SEL}}}[5m]))', "out {{operation}}"))
panel("Upload size p50 / p99", "bytes",
      (f'histogram_quantile(0.5, sum by (le, operation) (rate(excloud_gateway_upload_size_bytes_bucket{{{SEL}}}[15m])))', "p50 {{operation}}"),
      (f'histogram_quantile(0.99, sum by (le, operation) (rate(excloud_gateway_upload_size_bytes_bucket{{{SEL}}}[15m])))', "p99 {{operation}}"))
panel("Auth verifications/s by result", "reqps", (f'sum by (result) (rate(excloud_auth_verifications_total{{{SEL}}}[5m]))', "{{result}}"))

row("Internal services")
panel("Internal calls p99 by caller and peer", "s",
      (f'histogram_quantile(0.99, sum by (le, excloud_service, peer) (rate(excloud_internal_call_duration_seconds_bucket{{{SEL}}}[5m])))', "{{excloud_service}} → {{peer}}"))
panel("Internal call errors/s by peer", "reqps",
      (f'sum by (excloud_service, peer, outcome) (rate(excloud_internal_call_duration_seconds_count{{{SEL},outcome=~"5xx|error"}}[5m]))', "{{excloud_service}} → {{peer}} {{outcome}}"))
panel("Served p99 by service", "s",
      (f'histogram_quantile(0.99, sum by (le, excloud_service) (rate(excloud_http_request_duration_seconds_bucket{{excloud_service!="gateway",{SEL}}}[5m])))', "{{excloud_service}}"))
panel("Blob backend p99 by op", "s",
      (f'histogram_quantile(0.99, sum by (le, op, backend) (rate(excloud_blob_backend_op_duration_seconds_bucket{{{SEL}}}[5m])))', "{{op}} {{backend}}"))
panel("Blob backend errors/s", "ops",
      (f'sum by (op, backend) (rate(excloud_blob_backend_op_duration_seconds_count{{{SEL},outcome="error"}}[5m]))', "{{op}} {{backend}}"))
panel("Blob bytes/s written and read", "Bps",
      (f'sum(rate(excloud_blob_bytes_written_total{{{SEL}}}[5m]))', "written"),
      (f'sum(rate(excloud_blob_bytes_read_total{{{SEL}}}[5m]))', "read"))
panel("Listing rows read per query (skip-scan health)", "short",
      (f'sum(rate(excloud_metadata_list_rows_total{{{SEL}}}[5m])) / sum(rate(excloud_metadata_list_queries_total{{{SEL}}}[5m]))', "rows/query"))

row("Saturation")
panel("Postgres pool in use (share of pool size)", "percentunit",
      (f'max by (excloud_service, pod) ((excloud_db_pool_connections{{{SEL}}} - excloud_db_pool_idle{{{SEL}}}) / excloud_db_pool_max{{{SEL}}})', "{{excloud_service}} {{pod}}"))
panel("Queries waiting for a Postgres connection", "short",
      (f'sum by (excloud_service) (excloud_db_pool_waiting{{{SEL}}})', "{{excloud_service}}"))
panel("CPU by service (cores)", "short", (f'sum by (excloud_service) (rate(process_cpu_seconds_total{{{SEL}}}[5m]))', "{{excloud_service}}"))
panel("Event loop lag p99 by service", "s", (f'max by (excloud_service) (nodejs_eventloop_lag_p99_seconds{{{SEL}}})', "{{excloud_service}}"))
panel("Resident memory by pod", "bytes", (f'max by (excloud_service, pod) (process_resident_memory_bytes{{{SEL}}})', "{{pod}}"))
panel("Open sockets/handles by service", "short", (f'sum by (excloud_service) (nodejs_active_handles_total{{{SEL}}})', "{{excloud_service}}"))

row("Janitor")
panel("Outbox pending / active uploads", "short",
      (f'max(excloud_janitor_outbox_pending{{{SEL}}})', "outbox pending"),
      (f'max(excloud_janitor_active_uploads{{{SEL}}})', "active uploads"))
panel("Oldest outbox row age", "s", (f'max(excloud_janitor_outbox_oldest_age_seconds{{{SEL}}})', "oldest"),
      desc="Superseded blobs wait JANITOR_OUTBOX_GRACE_SECONDS, then the janitor deletes them. Growing well past the grace period means the drain is failing.")
panel("Queue jobs by state", "short", (f'sum by (queue, state) (excloud_janitor_queue_jobs{{{SEL}}})', "{{queue}} {{state}}"))
panel("Jobs by queue and result", "ops", (f'sum by (queue, result) (rate(excloud_janitor_jobs_total{{{SEL}}}[15m]))', "{{queue}} {{result}}"))
panel("Bytes reclaimed / orphans removed", "Bps",
      (f'sum by (source) (rate(excloud_janitor_bytes_reclaimed_total{{{SEL}}}[1h]))', "{{source}}"),
      (f'sum(rate(excloud_janitor_orphans_removed_total{{{SEL}}}[1h]))', "orphans"))
panel("Janitor can read metadata counts", "short", (f'min(excloud_janitor_stats_up{{{SEL}}})', "up"), w=6, kind="stat")

# Lay panels out left to right, wrapping at 24 columns.
x = y = h = 0
for p in panels:
    g = p["gridPos"]
    if p["type"] == "row" or x + g["w"] > 24:
        x, y = 0, y + h
        h = 0
    g["x"], g["y"] = x, y
    x += g["w"]
    h = max(h, g["h"])
    if p["type"] == "row":
        x, y, h = 0, y + 1, 0

variable = lambda name, query, label: {
    "name": name, "label": label, "type": "query", "datasource": {"type": "prometheus", "uid": "${datasource}"},
    "query": {"query": query, "refId": name}, "definition": query, "refresh": 2, "includeAll": True, "multi": True,
    "allValue": ".*", "current": {"text": "All", "value": "$__all"}, "sort": 1}
dashboard = {
    "title": "excloud buckets", "uid": "excloud-buckets", "schemaVersion": 39, "version": 2, "refresh": "30s",
    "time": {"from": "now-6h", "to": "now"}, "tags": ["excloud", "s3"],
    "templating": {"list": [
        {"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus"},
        variable("namespace", "label_values(excloud_http_requests_total, namespace)", "Namespace"),
        variable("pod", 'label_values(excloud_http_requests_total{namespace=~"$namespace"}, pod)', "Pod"),
    ]},
    "panels": panels,
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "grafana-dashboard.json")
with open(out, "w") as f:
    json.dump(dashboard, f, indent=2)
    f.write("\n")
