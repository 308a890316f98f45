"""deploy/compose.yaml and the files it mounts, validated without a Docker engine.

No engine runs on this machine. ``docker compose config`` needs none, but the compose plugin is
not installed here, so the structure is asserted directly (services, pinned images, loopback
ports, healthchecks, mounts that exist, volumes declared, profiles); the plugin's own check runs
too where it is present.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from mailguard.core.config_load import load_config
from tests.integration.ops.exposition import exported_sample_names

DEFAULT_SERVICES = {"mailguard", "mailpit", "prometheus", "grafana"}


@pytest.fixture
def deploy(repo_root: Path) -> Path:
    return repo_root / "deploy"


@pytest.fixture
def compose(deploy: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((deploy / "compose.yaml").read_text(encoding="utf-8"))
    return data


def bind_mounts(service: dict[str, Any]) -> list[tuple[str, str]]:
    """``(host path, container path)`` for each bind mount (short syntax, ``./`` or ``../``)."""
    mounts = []
    for volume in service.get("volumes", []):
        source, target, *_ = volume.split(":")
        if source.startswith("."):
            mounts.append((source, target))
    return mounts


def test_the_playground_services_are_all_there(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) >= DEFAULT_SERVICES
    for name in DEFAULT_SERVICES:
        assert "profiles" not in services[name], f"{name} must start without --profile"
    for name, service in services.items():
        assert set(service.get("profiles", ["replicas"])) == {"replicas"}, name


def test_third_party_images_are_pinned_and_mailguard_is_built_from_the_tree(
    compose: dict[str, Any], deploy: Path
) -> None:
    services = compose["services"]
    build = services["mailguard"]["build"]
    assert (deploy / build["context"] / build["dockerfile"]).resolve().is_file()
    assert services["mailpit"]["image"].startswith("axllent/mailpit:")
    for name, service in services.items():
        if "build" in service:
            continue
        image = service["image"]
        assert re.search(r":v?\d+(\.\d+)+", image), f"{name}: unpinned image {image}"
        assert not image.endswith(":latest")


def test_every_port_is_published_on_loopback_only(compose: dict[str, Any]) -> None:
    published = {}
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            host_ip, host_port, _container_port = port.split(":")
            assert host_ip == "127.0.0.1", f"{name}: {port} is reachable from other machines"
            assert host_port not in published, f"{name} and {published.get(host_port)}: {port}"
            published[host_port] = name
    mailguard_ports = {p.split(":")[2] for p in compose["services"]["mailguard"]["ports"]}
    assert mailguard_ports == {"2525", "8025"}


def test_every_service_has_a_healthcheck_and_mailguards_asks_readyz(
    compose: dict[str, Any],
) -> None:
    for name, service in compose["services"].items():
        test = service.get("healthcheck", {}).get("test")
        assert test and test[0] in {"CMD", "CMD-SHELL"}, f"{name}: no healthcheck"
    (code,) = [a for a in compose["services"]["mailguard"]["healthcheck"]["test"] if "urllib" in a]
    assert "/readyz" in code
    compile(code, "<healthcheck>", "exec")


def test_mounted_files_exist_and_named_volumes_are_declared(
    compose: dict[str, Any], deploy: Path
) -> None:
    declared = set(compose.get("volumes") or {})
    used = set()
    for name, service in compose["services"].items():
        for source, _target in bind_mounts(service):
            assert (deploy / source).exists(), f"{name}: {source} does not exist"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                used.add(source)
        for dependency in service.get("depends_on", {}):
            assert dependency in compose["services"], f"{name} depends on unknown {dependency}"
    assert used == declared, f"undeclared: {used - declared}, unused: {declared - used}"


def test_the_mounted_mailguard_config_loads_and_points_at_the_other_services(
    compose: dict[str, Any], deploy: Path
) -> None:
    mounts = dict(bind_mounts(compose["services"]["mailguard"]))
    config_source = next(s for s, t in mounts.items() if t == "/etc/mailguard/mailguard.yaml")
    config = load_config(str(deploy / config_source), environ={})
    assert config.upstream.kind == "smtp" and config.upstream.host == "mailpit"
    assert config.upstream.port == 1025
    assert config.smtp.listeners[0].port == 2525 and config.web.port == 8025
    assert config.log.format == "json" and config.log.mask_local_parts
    # The policy the config names is in the mounted policies directory.
    policies = next(s for s, t in mounts.items() if t == "/etc/mailguard/policies")
    relative = Path(config.policy).relative_to("/etc/mailguard/policies")
    assert (deploy / policies / relative).is_file()

    prometheus = yaml.safe_load((deploy / "prometheus" / "prometheus.yml").read_text("utf-8"))
    (job,) = [j for j in prometheus["scrape_configs"] if j["job_name"] == "mailguard"]
    (discovery,) = job["dns_sd_configs"]
    assert discovery["port"] == config.web.port
    mailguards = {name for name in compose["services"] if name.startswith("mailguard")}
    assert set(discovery["names"]) == mailguards, "every mailguard service is scraped"


def test_grafana_is_provisioned_with_the_datasource_the_dashboard_uses(
    compose: dict[str, Any], deploy: Path
) -> None:
    mounts = dict(bind_mounts(compose["services"]["grafana"]))
    provisioning = deploy / next(s for s, t in mounts.items() if t == "/etc/grafana/provisioning")
    (datasource,) = yaml.safe_load(
        (provisioning / "datasources" / "prometheus.yaml").read_text("utf-8")
    )["datasources"]
    assert datasource["url"] == "http://prometheus:9090"
    (provider,) = yaml.safe_load(
        (provisioning / "dashboards" / "mailguard.yaml").read_text("utf-8")
    )["providers"]
    dashboards_dir = next(s for s, t in mounts.items() if t == provider["options"]["path"])
    dashboards = list((deploy / dashboards_dir).glob("*.json"))
    assert dashboards
    for path in dashboards:
        dashboard = json.loads(path.read_text("utf-8"))
        for panel in dashboard["panels"]:
            assert panel["datasource"]["uid"] == datasource["uid"], panel["title"]
            for target in panel["targets"]:
                used = set(re.findall(r"\bmailguard_\w+", target["expr"]))
                assert used, panel["title"]
                assert used <= exported_sample_names(), (panel["title"], used)


def has_compose_plugin() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(
    not has_compose_plugin(),
    reason="the docker compose plugin is not installed; the structural tests above stand in",
)
def test_docker_compose_accepts_the_file(deploy: Path) -> None:
    result = subprocess.run(
        ["docker", "compose", "-f", str(deploy / "compose.yaml"), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_the_production_example_loads_and_keeps_its_promises(deploy: Path) -> None:
    secrets = {"MAILGUARD_SECRET_KEY": "s" * 64, "MAILGUARD_UPSTREAM_PASSWORD": "pw"}
    config = load_config(str(deploy / "production.example.yaml"), environ=secrets)
    assert config.upstream.tls == "required", "held-and-released mail never travels in clear"
    assert config.smtp.tls.cert_file and config.smtp.users_file, "STARTTLS and AUTH"
    assert config.log.format == "json" and config.log.mask_local_parts
    assert config.web.host == "127.0.0.1", "the web side sits behind a TLS reverse proxy"
    assert config.web.public_base_url.startswith("https://")
    assert config.var_dir == "/var/lib/mailguard", "the systemd unit's StateDirectory"
    text = (deploy / "production.example.yaml").read_text(encoding="utf-8")
    assert "password:" not in text.replace("MAILGUARD_UPSTREAM_PASSWORD", ""), "no secrets"
