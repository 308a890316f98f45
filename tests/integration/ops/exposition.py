"""Helpers to read mailguard's metrics the way Prometheus does."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from mailguard.workflow.metrics import REGISTRY

_SUFFIXES = {
    "counter": ("_total",),
    "histogram": ("_bucket", "_count", "_sum"),
    "info": ("_info",),
    "gauge": ("",),
}


def exported_sample_names() -> set[str]:
    """Every sample name the registry can expose, whether or not a child exists yet."""
    return {
        metric.name + suffix
        for metric in REGISTRY.collect()
        for suffix in _SUFFIXES.get(metric.type, ("",))
    }


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Exposition text -> {(sample name, labels): value}, parsed by prometheus-client."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    """One sample's value; 0.0 when the sample is absent (a labelled child not yet created)."""
    return samples(text).get((name, frozenset(labels.items())), 0.0)
