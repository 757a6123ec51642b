#!/usr/bin/env python3
"""Writes rulecast.json, the Grafana dashboard of the Rulecast job (run it after editing here).

Every query is checked against a real Prometheus scraping a running job by
engine/src/test/java/io/rulecast/job/it/PrometheusScrapeITCase.java.
"""
import json
import os

R = "flink_taskmanager_job_task_operator_domain_event_type_rule_"
SEL = 'domain=~"$domain",event_type=~"$event_type"'
SELR = SEL + ',rule=~"$rule"'
DS = {"type": "prometheus", "uid": "${datasource}"}
RI = "$__rate_interval"

panels = []


def panel(title, exprs, unit, legend, kind="timeseries", desc="", w=12, h=8, extra=None):
    y = sum(p["gridPos"]["h"] for p in panels if p["gridPos"]["x"] == 0)
    x = 0
    if panels and panels[-1]["gridPos"]["x"] == 0 and panels[-1]["gridPos"]["w"] == 12 and w == 12:
        x, y = 12, panels[-1]["gridPos"]["y"]
    p = {
        "id": len(panels) + 1,
        "type": kind,
        "title": title,
        "description": desc,
        "datasource": DS,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "table", "placement": "right"}},
        "targets": [
            {"refId": chr(65 + i), "datasource": DS, "expr": e, "legendFormat": legend}
            for i, e in enumerate(exprs)
        ],
    }
    if extra:
        p.update(extra)
    panels.append(p)


# The seed's three panels, per event type and per rule.
panel("Events/s per event type",
      [f"sum by (domain, event_type) (rate({R}processed{{{SEL}}}[{RI}]))"],
      "ops", "{{domain}}/{{event_type}}", desc="Rule invocations per second (every rule of the type).")
panel("Events/s per rule",
      [f"sum by (domain, event_type, rule) (rate({R}processed{{{SELR}}}[{RI}]))"],
      "ops", "{{domain}}/{{event_type}}/{{rule}}")
panel("Processing latency p95 per event type",
      [f'max by (domain, event_type) ({R}latencyMicros{{quantile="0.95",{SEL}}}) / 1000'],
      "ms", "{{domain}}/{{event_type}}",
      desc="Slowest rule's p95 over its last 1024 invocations per routing instance.")
panel("Processing latency p95 per rule",
      [f'max by (domain, event_type, rule) ({R}latencyMicros{{quantile="0.95",{SELR}}}) / 1000'],
      "ms", "{{domain}}/{{event_type}}/{{rule}}")
panel("Error rate per event type",
      [f"sum by (domain, event_type) (rate({R}failed{{{SEL}}}[{RI}]))"
       f" / sum by (domain, event_type) (rate({R}processed{{{SEL}}}[{RI}]))"],
      "percentunit", "{{domain}}/{{event_type}}", desc="Failed invocations / invocations. Alert above 5 %.")
panel("Error rate per rule",
      [f"sum by (domain, event_type, rule) (rate({R}failed{{{SELR}}}[{RI}]))"
       f" / sum by (domain, event_type, rule) (rate({R}processed{{{SELR}}}[{RI}]))"],
      "percentunit", "{{domain}}/{{event_type}}/{{rule}}")
# The job's health.
panel("Dead letters/s by reason",
      ["sum by (stage, reason) (rate(flink_taskmanager_job_task_operator_user_stage_reason_deadLetters"
       f"[{RI}]))"],
      "ops", "{{stage}} {{reason}}", desc="Records written to the dead-letter topic, by the stage and reason of their headers.")
panel("Circuit breaker state per rule",
      [f"max by (domain, event_type, rule) ({R}breakerState{{{SELR}}})"],
      "short", "{{domain}}/{{event_type}}/{{rule}}",
      desc="0 closed, 1 half-open, 2 open, -1 not running (worst routing instance).",
      extra={"fieldConfig": {"defaults": {"unit": "short", "mappings": [{"type": "value", "options": {
          "-1": {"text": "not running"}, "0": {"text": "closed", "color": "green"},
          "1": {"text": "half-open", "color": "yellow"}, "2": {"text": "open", "color": "red"}}}]},
          "overrides": []}})
panel("Running version per rule",
      [f"max by (domain, event_type, rule, version) ({R}version_running{{{SELR}}} == 1)"],
      "short", "{{domain}}/{{event_type}}/{{rule}} {{version}}", kind="table",
      desc="The version hash each rule runs (rulecast history names it).",
      extra={"targets": [{"refId": "A", "datasource": DS, "format": "table", "instant": True,
                          "expr": f"max by (domain, event_type, rule, version) ({R}version_running{{{SELR}}} == 1)"}]})
# Safe rollout (docs/rollout.md): what the candidate of each rule does on live traffic.
panel("Rollout state per rule",
      [f"max by (domain, event_type, rule) ({R}rolloutState{{{SELR}}})"],
      "short", "{{domain}}/{{event_type}}/{{rule}}",
      desc="0 no candidate, 1 shadow, 2 canary, 3 aborted on an instance, 4 candidate did not compile (worst routing instance).",
      extra={"fieldConfig": {"defaults": {"unit": "short", "mappings": [{"type": "value", "options": {
          "0": {"text": "none"}, "1": {"text": "shadow", "color": "blue"},
          "2": {"text": "canary", "color": "yellow"}, "3": {"text": "aborted", "color": "red"},
          "4": {"text": "not compiled", "color": "red"}}}]},
          "overrides": []}})
panel("Shadow: differing events per rule",
      [f"sum by (domain, event_type, rule) (rate({R}shadowDiffering{{{SELR}}}[{RI}]))"
       f" / sum by (domain, event_type, rule) (rate({R}shadowCompared{{{SELR}}}[{RI}]))"],
      "percentunit", "{{domain}}/{{event_type}}/{{rule}}",
      desc="Share of compared events whose candidate outputs differ from the live outputs; each one is a record on rulecast.shadow.")
panel("Candidate failures/s per rule",
      [f"sum by (domain, event_type, rule) (rate({R}candidateFailed{{{SELR}}}[{RI}]))"],
      "ops", "{{domain}}/{{event_type}}/{{rule}}",
      desc="Failed candidate invocations (shadow or canary). Above rollout.max-failure-rate of rollout.min-events the candidate is aborted.")
panel("Canary share per rule",
      [f"sum by (domain, event_type, rule) (rate({R}canaryServed{{{SELR}}}[{RI}]))"
       f" / sum by (domain, event_type, rule) (rate({R}processed{{{SELR}}}[{RI}]))"],
      "percentunit", "{{domain}}/{{event_type}}/{{rule}}",
      desc="Share of the rule's events the canary candidate served (close to rollout_percent over many keys).")
panel("Rules staleness",
      ["max by (job_name) (flink_taskmanager_job_task_operator_rulesStalenessMs) / 1000"],
      "s", "{{job_name}}", desc="Time since the rules source last read routing_configs. Alert above 60 s.")
panel("Compile failures",
      ["sum by (job_name) (flink_taskmanager_job_task_operator_compileFailures)",
       "sum by (job_name) (delta(flink_taskmanager_job_task_operator_compileFailures[15m]))"],
      "short", "{{job_name}}",
      desc="Rule versions that did not compile, summed over routing instances: since start (A), in the last 15 min (B).")
panel("Consumer lag",
      ["sum by (job_name) (flink_taskmanager_job_task_operator_pendingRecords)"],
      "short", "{{job_name}}", desc="Records of the events topic not yet read (the Kafka source's pendingRecords).")
panel("Sink rows/s",
      [f"sum by (job_name) (rate(flink_taskmanager_job_task_operator_rowsWritten[{RI}]))",
       f"sum by (job_name) (rate(flink_taskmanager_job_task_operator_rowsRejected[{RI}]))"],
      "ops", "{{job_name}}", desc="Wide-table rows upserted (A) and rejected to the dead-letter topic (B).")
panel("Sink flush latency",
      ["max by (job_name) (flink_taskmanager_job_task_operator_lastFlushMillis)"],
      "ms", "{{job_name}}", desc="Duration of the last wide-table batch, slowest writer.")


def var(name, label, query):
    return {
        "name": name, "label": label, "type": "query", "datasource": DS,
        "query": {"query": query, "refId": "PrometheusVariableQueryEditor-VariableQuery"},
        "definition": query, "refresh": 2, "includeAll": True, "multi": True, "allValue": ".*",
        "current": {"text": "All", "value": "$__all"}, "sort": 1,
    }


dashboard = {
    "title": "Rulecast",
    "uid": "rulecast",
    "tags": ["rulecast", "flink"],
    "timezone": "",
    "schemaVersion": 39,
    "version": 1,
    "refresh": "10s",
    "time": {"from": "now-1h", "to": "now"},
    "templating": {"list": [
        {"name": "datasource", "label": "Prometheus", "type": "datasource", "query": "prometheus",
         "current": {}, "refresh": 1},
        var("domain", "Domain", f"label_values({R}processed, domain)"),
        var("event_type", "Event type", f'label_values({R}processed{{domain=~"$domain"}}, event_type)'),
        var("rule", "Rule", f"label_values({R}processed{{{SEL}}}, rule)"),
    ]},
    "panels": panels,
}

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "rulecast.json"), "w") as f:
    json.dump(dashboard, f, indent=2, ensure_ascii=False)
    f.write("\n")
