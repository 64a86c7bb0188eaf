"""deploy/ is configuration no other test executes: parse all of it and check it against the code.

Metric names in the alerts and the dashboard must be ones the services really export; Kubernetes
workloads need probes, resources and no inline secrets; the four services and the web service must
be in compose and Kubernetes, and all five scraped and probed; the web's /metrics must stay off the
port people reach; topics and projections must match the code. The alert rules, their unit tests and every
dashboard query are also checked by Prometheus's own parser, `promtool` (installed from Debian by the
test set-up when missing).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.debian import ensure_promtool

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
SERVICES = ("registry", "ledger", "assessment", "reporting")
WEB = "web"
SCRAPED = (*SERVICES, WEB)  # job="villagecounsel": each service="<name>" has targets and a /readyz probe
NAMESPACE = "villagecounsel"

YAML_FILES = sorted(
    p for p in DEPLOY.rglob("*") if p.suffix in {".yml", ".yaml"} and "__pycache__" not in p.parts
)
JSON_FILES = sorted(p for p in DEPLOY.rglob("*.json") if "__pycache__" not in p.parts)

# Names not produced by our code but by the things deploy/ runs next to it.
PROMETHEUS_SYNTHETIC = {"up", "ALERTS"}
BLACKBOX = {"probe_success"}
KAFKA_EXPORTER = {
    "kafka_consumergroup_lag",
    "kafka_brokers",
    "kafka_topic_partition_under_replicated_partition",
}

SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|DATABASE_URL|PRIVATE_KEY|API_KEY", re.IGNORECASE)
URL_WITH_PASSWORD = re.compile(r"://[^/\s:@]+:[^/\s@]+@")


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def load_docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]


# ----------------------------------------------------------------------------------------- parsing


def test_deploy_has_the_expected_files() -> None:
    for name in (
        "docker/Dockerfile",
        "compose/docker-compose.yml",
        "prometheus/prometheus.yml",
        "prometheus/alerts.yml",
        "grafana/dashboards/villagecounsel.json",
        "README.md",
        "k8s/kustomization.yaml",
    ):
        assert (DEPLOY / name).is_file(), f"deploy/{name} is missing"


@pytest.mark.parametrize("path", YAML_FILES, ids=rel)
def test_every_yaml_file_parses(path: Path) -> None:
    docs = load_docs(path)
    assert docs, f"{rel(path)} holds no document"
    assert all(isinstance(d, dict) for d in docs), f"{rel(path)}: every document must be a mapping"


@pytest.mark.parametrize("path", JSON_FILES, ids=rel)
def test_every_json_file_parses(path: Path) -> None:
    assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict)


# ------------------------------------------------------------------------------------ metric names


def _exposed(family_name: str, family_type: str) -> set[str]:
    """Sample names prometheus_client exposes for a metric family."""
    suffixes = {
        "counter": ("_total", "_created"),
        "histogram": ("_bucket", "_sum", "_count", "_created"),
        "summary": ("_sum", "_count", "_created"),
        "info": ("_info",),
    }.get(family_type, ("",))
    return {family_name + s for s in suffixes}


def project_metric_families() -> dict[str, str]:
    """The vc_* families defined in eventkit/metrics.py: name -> type."""
    from eventkit import metrics  # noqa: PLC0415 (imported here: registering metrics is a side effect)
    from prometheus_client.metrics import MetricWrapperBase  # noqa: PLC0415

    families = {}
    for value in vars(metrics).values():
        if isinstance(value, MetricWrapperBase):
            for family in value.describe():
                families[family.name] = family.type
    return families


def known_metric_names() -> set[str]:
    from faststream.prometheus.container import MetricsContainer  # noqa: PLC0415
    from prometheus_client import (  # noqa: PLC0415
        GC_COLLECTOR,
        PLATFORM_COLLECTOR,
        PROCESS_COLLECTOR,
        CollectorRegistry,
    )

    names: set[str] = set()
    for name, kind in project_metric_families().items():
        names |= _exposed(name, kind)
    faststream = CollectorRegistry()
    MetricsContainer(faststream, custom_label_names=[])  # what KafkaPrometheusMiddleware registers
    for collector in (faststream, PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
        for family in collector.collect():
            names |= _exposed(family.name, family.type)
    return names | PROMETHEUS_SYNTHETIC | BLACKBOX | KAFKA_EXPORTER


_STRINGS = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
_VARIABLES = re.compile(r"\$\{[^}]*\}|\$\w+")
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGES = re.compile(r"\[[^\[\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
_IDENTIFIER = re.compile(r"(?<![\w.:])([A-Za-z_:][\w:]*)(?![\w:])(?!\s*\()")
_KEYWORDS = {
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "and",
    "or",
    "unless",
    "offset",
    "inf",
    "nan",
    "Inf",
    "NaN",
}


def metric_names_in(expr: str) -> set[str]:
    """Metric names a PromQL expression selects (functions, label lists and keywords removed)."""
    text = _STRINGS.sub('""', expr)
    text = _VARIABLES.sub(" ", text)
    text = _MATCHERS.sub(" ", text)
    text = _RANGES.sub(" ", text)
    text = _GROUPING.sub(" ", text)
    return {m for m in _IDENTIFIER.findall(text) if m not in _KEYWORDS}


def test_metric_name_extraction() -> None:
    expr = (
        "histogram_quantile(0.99, sum by (service, le) ("
        'rate(vc_event_append_seconds_bucket{service=~"$service"}[$__rate_interval]))) > 0.5'
        ' and on (service) up{job="x"} == 0 unless absent(kafka_brokers) offset 5m'
    )
    assert metric_names_in(expr) == {"vc_event_append_seconds_bucket", "up", "kafka_brokers"}


def alert_rules() -> list[dict[str, Any]]:
    doc = yaml.safe_load((DEPLOY / "prometheus/alerts.yml").read_text(encoding="utf-8"))
    return [rule for group in doc["groups"] for rule in group["rules"]]


def dashboard() -> dict[str, Any]:
    return json.loads((DEPLOY / "grafana/dashboards/villagecounsel.json").read_text(encoding="utf-8"))


def dashboard_exprs() -> list[str]:
    board = dashboard()
    exprs = [t["expr"] for p in board["panels"] for t in p.get("targets", [])]
    return exprs + [a["expr"] for a in board.get("annotations", {}).get("list", []) if "expr" in a]


def test_alerts_use_only_metrics_that_exist() -> None:
    known = known_metric_names()
    unknown = {
        (rule["alert"], name) for rule in alert_rules() for name in metric_names_in(rule["expr"]) - known
    }
    assert not unknown, f"alerts.yml uses metrics nothing exports: {sorted(unknown)}"


def test_dashboard_uses_only_metrics_that_exist() -> None:
    known = known_metric_names()
    unknown = {name for expr in dashboard_exprs() for name in metric_names_in(expr) - known}
    assert not unknown, f"the dashboard uses metrics nothing exports: {sorted(unknown)}"


def test_every_project_metric_is_on_the_dashboard() -> None:
    shown = {name for expr in dashboard_exprs() for name in metric_names_in(expr)}
    missing = {
        family for family, kind in project_metric_families().items() if not _exposed(family, kind) & shown
    }
    assert not missing, f"eventkit/metrics.py metrics without a dashboard panel: {sorted(missing)}"


def test_external_metrics_come_from_exporters_that_are_deployed() -> None:
    compose = yaml.safe_load((DEPLOY / "compose/docker-compose.yml").read_text(encoding="utf-8"))["services"]
    k8s_images = {c["image"].split(":")[0] for _, d in k8s_docs() for c in containers_of(d)}
    for image in ("danielqsj/kafka-exporter", "prom/blackbox-exporter"):
        assert any(s.get("image", "").startswith(image + ":") for s in compose.values()), image
        assert image in k8s_images, image


# -------------------------------------------------------------------------------------- the alerts


def readme_anchors() -> set[str]:
    anchors = set()
    for line in (DEPLOY / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", title)))
    return anchors


def test_alert_rules_are_complete() -> None:
    anchors = readme_anchors()
    rules = alert_rules()
    assert len({r["alert"] for r in rules}) == len(rules), "alert names must be unique"
    for rule in rules:
        assert rule["alert"].startswith("VillageCounsel"), rule["alert"]
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert {"summary", "description", "runbook"} <= set(rule["annotations"]), rule["alert"]
        page, _, anchor = rule["annotations"]["runbook"].partition("#")
        assert page == "deploy/README.md" and anchor in anchors, (
            f"{rule['alert']}: no README section #{anchor}"
        )


def test_alerts_cover_what_operations_needs() -> None:
    used = {name for rule in alert_rules() for name in metric_names_in(rule["expr"])}
    for metric in (
        "vc_relay_lag_events",
        "vc_projection_lag_seconds",
        "vc_parked_events",
        "vc_dead_letters_total",
        "vc_event_append_seconds_bucket",
        "up",
        "probe_success",
        "kafka_consumergroup_lag",
    ):
        assert metric in used, f"no alert on {metric}"


def test_prometheusrule_equals_alerts_yml() -> None:
    (rule,) = [d for d in load_docs(K8S / "prometheusrule.yaml") if d["kind"] == "PrometheusRule"]
    alerts = yaml.safe_load((DEPLOY / "prometheus/alerts.yml").read_text(encoding="utf-8"))
    assert rule["spec"]["groups"] == alerts["groups"], (
        "deploy/k8s/prometheusrule.yaml differs from deploy/prometheus/alerts.yml: regenerate it "
        "(command in its header)"
    )


def compose_default(value: str) -> str:
    """The value compose gives `${NAME:-default}` when NAME is unset (a plain value as it is)."""
    found = re.fullmatch(r"\$\{\w+:-(.*)\}", value)
    return found.group(1) if found else value


def test_prometheus_config_scrapes_the_four_services_and_the_web() -> None:
    config = yaml.safe_load((DEPLOY / "prometheus/prometheus.yml").read_text(encoding="utf-8"))
    assert [Path(f).name for f in config["rule_files"]] == ["alerts.yml"]
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    targets = {}
    for job_name in ("villagecounsel", "villagecounsel-readyz"):
        labelled = {sc["labels"]["service"]: sc["targets"] for sc in jobs[job_name]["static_configs"]}
        assert set(labelled) == set(SCRAPED), job_name
        targets[job_name] = labelled
    assert jobs["villagecounsel"]["honor_labels"] is True
    assert "kafka-exporter" in jobs
    # the web's metrics are on its metrics port only (its 8000 answers /metrics with 404); its
    # readiness is that of the pages' port
    metrics_port = compose_services()[WEB]["environment"]["VC_WEB_METRICS_PORT"]
    assert targets["villagecounsel"][WEB] == [f"web:{metrics_port}"] and metrics_port != "8000"
    assert targets["villagecounsel-readyz"][WEB] == ["http://web:8000/readyz"]


def test_the_no_target_alert_names_every_scraped_service() -> None:
    (absent,) = [r for r in alert_rules() if r["alert"] == "VillageCounselServiceAbsent"]
    assert set(re.findall(r'service="(\w+)"', absent["expr"])) == set(SCRAPED)


# ----------------------------------------------------------------------------------------- Grafana


def test_dashboard_shape() -> None:
    board = dashboard()
    assert board["uid"] and board["title"]
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    for panel in board["panels"]:
        if panel["type"] != "row":
            assert panel.get("targets"), f"panel {panel['title']!r} has no query"
            assert all(t["expr"].strip() for t in panel["targets"])


def test_grafana_provisioning_points_at_the_mounted_dashboards() -> None:
    (provider,) = yaml.safe_load(
        (DEPLOY / "grafana/provisioning/dashboards/villagecounsel.yml").read_text(encoding="utf-8")
    )["providers"]
    grafana = compose_services()["grafana"]
    mounts = dict(v.split(":")[:2] for v in grafana["volumes"] if v.startswith("../"))
    assert mounts["../grafana/dashboards"] == provider["options"]["path"]
    assert mounts["../grafana/provisioning"] == "/etc/grafana/provisioning"


# ----------------------------------------------------------------------------------------- compose


def compose_services() -> dict[str, Any]:
    return dict(
        yaml.safe_load((DEPLOY / "compose/docker-compose.yml").read_text(encoding="utf-8"))["services"]
    )


def required_topics() -> set[str]:
    from vc_contracts.topics import DEAD_LETTER_TOPIC, OWNERS, topic_for  # noqa: PLC0415

    return {topic_for(owner) for owner in OWNERS} | {DEAD_LETTER_TOPIC}


def test_compose_runs_each_service_on_its_own_database() -> None:
    services = compose_services()
    for name in SERVICES:
        service = services[name]
        env = service["environment"]
        assert env["VC_SERVICE"] == name
        assert f"@postgres-{name}:5432/{name}" in env["DATABASE_URL"]
        assert env["DATABASE_URL"].startswith(f"postgresql://{name}:${{"), "the password comes from .env"
        assert env["VC_JWT_SECRET"].startswith("${VC_JWT_SECRET:?"), "a missing secret must stop compose"
        assert service["build"]["dockerfile"] == "deploy/docker/Dockerfile"
        assert (DEPLOY / "compose" / service["build"]["context"] / service["build"]["dockerfile"]).is_file()
        assert service["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"
        assert service["depends_on"][f"postgres-{name}"]["condition"] == "service_healthy"
        assert services[f"postgres-{name}"]["environment"]["POSTGRES_DB"] == name


def web_setting_names() -> set[str]:
    """Environment variables the web service reads: its settings and its public pages' settings."""
    from vc_web.public.settings import PublicSettings  # noqa: PLC0415
    from vc_web.settings import WebSettings  # noqa: PLC0415

    names = {"VC_SERVICE", "PORT"}  # the image's entrypoint
    for name, field in WebSettings.model_fields.items():
        names.add(f"VC_WEB_{name.upper()}")
        aliases = getattr(field.validation_alias, "choices", [])
        names |= {a for a in aliases if isinstance(a, str) and a.isupper()}
    names |= {f.alias for f in PublicSettings.model_fields.values() if f.alias}
    return names


def test_compose_runs_the_web_service_with_its_gateway_to_the_four() -> None:
    """Compose has no Ingress: without a web service it served no page at all."""
    services = compose_services()
    web = services[WEB]
    env = web["environment"]
    assert env["VC_SERVICE"] == WEB
    assert (web["image"], web["build"]) == (services["registry"]["image"], services["registry"]["build"])
    # the gateway routes /api/<service>/ to the four on the compose network
    assert env["VC_WEB_GATEWAY"] == "true"
    for name in SERVICES:
        assert env[f"VC_WEB_{name.upper()}_URL"] == f"http://{name}:8000" and name in services
    # demo sign-in is off unless .env turns it on, and the web holds no signing key by default
    assert compose_default(env["VC_WEB_DEV_SIGNIN"]) == "false"
    assert compose_default(env["VC_JWT_SECRET"]) == "" and "VC_JWT_SECRET:" not in env["VC_JWT_SECRET"]
    for oidc in ("VC_WEB_OIDC_ISSUER", "VC_WEB_OIDC_CLIENT_ID"):
        assert env[oidc] == f"${{{oidc}:-}}", f"{oidc} comes from .env"
    assert {"VC_WEB_PUBLIC_BASE_URL", "VC_TRUSTED_PROXIES"} <= set(env)
    unread = set(env) - web_setting_names()
    assert not unread, f"settings the web does not read: {unread}"
    # ready like the others; only the pages' port is published (metrics: Prometheus, inside)
    assert "/readyz" in " ".join(web["healthcheck"]["test"])
    assert web["ports"] == ["127.0.0.1:8000:8000"]
    assert not [p for p in web["ports"] if p.endswith(":" + env["VC_WEB_METRICS_PORT"])]
    # the registry believes the web's X-Forwarded-For (residents' feedback is rate-limited per
    # resident): the services trust the same networks
    assert services["registry"]["environment"]["VC_TRUSTED_PROXIES"] == env["VC_TRUSTED_PROXIES"]
    published = [p.split(":")[1] for s in services.values() for p in s.get("ports", [])]
    assert len(published) == len(set(published)), "two services published on one host port"


def test_compose_kafka_is_three_kraft_nodes_with_replication_three() -> None:
    services = compose_services()
    nodes = [services[f"kafka-{i}"]["environment"] for i in (1, 2, 3)]
    assert sorted(n["KAFKA_NODE_ID"] for n in nodes) == ["1", "2", "3"]
    for env in nodes:
        assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
        assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].count("@") == 3
        assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_MIN_INSYNC_REPLICAS"] == "2"
        assert env["KAFKA_LOG_RETENTION_MS"] == "-1"
        assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert len({n["CLUSTER_ID"] for n in nodes}) == 1
    init = "\n".join(services["kafka-init"]["command"])
    assert "--replication-factor 3" in init and "retention.ms=-1" in init
    assert all(topic in init for topic in required_topics())


def test_compose_commits_no_secret() -> None:
    text = (DEPLOY / "compose/docker-compose.yml").read_text(encoding="utf-8")
    for name, service in compose_services().items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key):
                assert "${" in str(value), f"{name}.{key} must come from the environment"
    for password in re.findall(r"://[^/\s:@]+:([^@\s]+)@", text):
        assert password.startswith("${"), "a password in a URL must come from the environment"
    assert (DEPLOY / "compose/.gitignore").read_text(encoding="utf-8").split().count(".env") == 1
    required = set(re.findall(r"\$\{(\w+):\?", text))
    example = (DEPLOY / "compose/.env.example").read_text(encoding="utf-8")
    assert required <= set(re.findall(r"^(\w+)=", example, re.MULTILINE)), ".env.example lacks a variable"
    assert not re.search(r"^\w*(SECRET|PASSWORD)\w*=\S", example, re.MULTILINE), ".env.example holds a value"


# ------------------------------------------------------------------------------------- Kubernetes


def k8s_docs() -> list[tuple[Path, dict[str, Any]]]:
    return [
        (p, d) for p in sorted(K8S.glob("*.yaml")) if p.name != "kustomization.yaml" for d in load_docs(p)
    ]


def pod_spec(doc: dict[str, Any]) -> dict[str, Any] | None:
    kind = doc["kind"]
    if kind in {"Deployment", "StatefulSet", "DaemonSet", "Job"}:
        return dict(doc["spec"]["template"]["spec"])
    if kind == "CronJob":
        return dict(doc["spec"]["jobTemplate"]["spec"]["template"]["spec"])
    return None


def containers_of(doc: dict[str, Any], *, init: bool = True) -> Iterator[dict[str, Any]]:
    spec = pod_spec(doc)
    if spec is not None:
        yield from spec["containers"]
        if init:
            yield from spec.get("initContainers", [])


def find(kind: str, name: str) -> dict[str, Any]:
    found = [d for _, d in k8s_docs() if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    listed = set(kustomization["resources"])
    present = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present
    assert kustomization["namespace"] == NAMESPACE


def test_every_k8s_object_is_named_and_namespaced() -> None:
    for path, doc in k8s_docs():
        assert doc.get("apiVersion") and doc.get("kind") and doc["metadata"].get("name"), rel(path)
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace") == NAMESPACE, f"{rel(path)}: {doc['metadata']['name']}"


def test_every_workload_has_resources_and_probes() -> None:
    for path, doc in k8s_docs():
        for container in containers_of(doc):
            where = f"{rel(path)}: {doc['kind']} {doc['metadata']['name']} / {container['name']}"
            resources = container.get("resources", {})
            for part in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(part, {})), f"{where}: no {part}"
            assert container.get("securityContext", {}).get("allowPrivilegeEscalation") is False, where
        if doc["kind"] in {"Deployment", "StatefulSet"}:
            for container in containers_of(doc, init=False):
                where = f"{rel(path)}: {doc['kind']} {doc['metadata']['name']} / {container['name']}"
                assert "readinessProbe" in container and "livenessProbe" in container, f"{where}: probes"


def test_no_secret_values_in_k8s() -> None:
    for path, doc in k8s_docs():
        assert doc["kind"] != "Secret", f"{rel(path)} commits a Secret: create it in the cluster instead"
        if doc["kind"] == "ConfigMap":
            assert not [k for k in doc["data"] if SECRET_NAME.search(k)], (
                f"{rel(path)}: secret in a ConfigMap"
            )
        for container in containers_of(doc):
            for env in container.get("env", []):
                if SECRET_NAME.search(env["name"]):
                    assert "value" not in env, f"{rel(path)}: {env['name']} inline"
                    assert "secretKeyRef" in env["valueFrom"], f"{rel(path)}: {env['name']} not from a Secret"
    for path in K8S.glob("*.yaml"):
        assert not URL_WITH_PASSWORD.search(path.read_text(encoding="utf-8")), (
            f"{rel(path)}: credentials in a URL"
        )


def _http_probe(container: dict[str, Any], probe: str) -> tuple[str, Any]:
    get = container[probe]["httpGet"]
    return get["path"], get["port"]


@pytest.mark.parametrize("name", SERVICES)
def test_service_deployment(name: str) -> None:
    deployment = find("Deployment", name)
    (container,) = list(containers_of(deployment, init=False))
    env = {e["name"]: e for e in container["env"]}
    assert env["VC_SERVICE"]["value"] == name
    assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == f"{name}-database"
    assert env["VC_JWT_SECRET"]["valueFrom"]["secretKeyRef"]["name"] == "villagecounsel-jwt"
    assert {"configMapRef": {"name": "villagecounsel-config"}} in container["envFrom"]
    assert container["image"].split(":")[0] == "villagecounsel"
    port_names = {p["name"] for p in container["ports"]}
    assert _http_probe(container, "readinessProbe")[0] == "/readyz"
    assert _http_probe(container, "livenessProbe")[0] == "/healthz"
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert _http_probe(container, probe)[1] in port_names
    pod = pod_spec(deployment)
    assert pod is not None and pod["securityContext"]["runAsNonRoot"] is True
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()

    service = find("Service", name)
    assert service["spec"]["selector"].items() <= labels.items()
    assert {p["name"] for p in service["spec"]["ports"]} == {"http"}
    hpa = find("HorizontalPodAutoscaler", name)
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
    partitions = int(find("ConfigMap", "villagecounsel-config")["data"]["VC_TOPIC_PARTITIONS"])
    assert 2 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"] <= partitions
    pdb = find("PodDisruptionBudget", name)
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()


def _selected_services(monitor: dict[str, Any]) -> set[str]:
    selector = monitor["spec"]["selector"]["matchLabels"].items()
    return {
        d["metadata"]["name"]
        for _, d in k8s_docs()
        if d["kind"] == "Service" and selector <= d["metadata"]["labels"].items()
    }


def test_service_monitors_select_the_four_services_and_the_web() -> None:
    monitor = find("ServiceMonitor", "villagecounsel")
    assert _selected_services(monitor) == set(SERVICES)
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == "http" and endpoint["path"] == "/metrics" and endpoint["honorLabels"] is True
    # the web: the same job label (job="villagecounsel" from app.kubernetes.io/part-of), its own port
    web_monitor = find("ServiceMonitor", "villagecounsel-web")
    assert _selected_services(web_monitor) == {WEB}
    assert web_monitor["spec"]["jobLabel"] == monitor["spec"]["jobLabel"] == "app.kubernetes.io/part-of"
    assert find("Service", WEB)["metadata"]["labels"]["app.kubernetes.io/part-of"] == "villagecounsel"
    (web_endpoint,) = web_monitor["spec"]["endpoints"]
    assert web_endpoint["port"] == "metrics" and web_endpoint["path"] == "/metrics"
    assert web_endpoint["honorLabels"] is True
    assert web_endpoint["port"] in {p["name"] for p in find("Service", WEB)["spec"]["ports"]}
    probes = {
        d["spec"]["targets"]["staticConfig"]["labels"]["service"]: d["spec"]["targets"]["staticConfig"][
            "static"
        ]
        for _, d in k8s_docs()
        if d["kind"] == "Probe"
    }
    assert set(probes) == set(SCRAPED)
    assert probes[WEB] == ["http://web.villagecounsel.svc:8000/readyz"]


def _web_ports() -> tuple[dict[str, int], str]:
    """The web container's ports by name, and the port its ConfigMap has it answer /metrics on."""
    (container,) = list(containers_of(find("Deployment", WEB), init=False))
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert ports["http"] == int(env["PORT"])
    return ports, find("ConfigMap", "villagecounsel-web")["data"]["VC_WEB_METRICS_PORT"]


def test_the_web_s_metrics_port_is_declared_and_the_same_everywhere() -> None:
    ports, metrics_port = _web_ports()
    assert ports["metrics"] == int(metrics_port) != ports["http"]
    service_ports = {p["name"]: p for p in find("Service", WEB)["spec"]["ports"]}
    assert service_ports["metrics"]["targetPort"] == "metrics"
    assert service_ports["http"]["targetPort"] == "http"
    assert compose_services()[WEB]["environment"]["VC_WEB_METRICS_PORT"] == metrics_port
    # the image's default, so a web run from it without the manifests keeps /metrics off $PORT too
    dockerfile = (DEPLOY / "docker/Dockerfile").read_text(encoding="utf-8")
    assert re.findall(r"^\s*VC_WEB_METRICS_PORT=(\d+)", dockerfile, re.MULTILINE) == [metrics_port]
    config = find("ConfigMap", "villagecounsel-web")["data"]
    unread = set(config) - web_setting_names()
    assert not unread, f"settings the web does not read: {unread}"
    assert config["VC_WEB_DEV_SIGNIN"] == "false" and config["VC_WEB_GATEWAY"] == "false"


def test_k8s_kafka_and_topics() -> None:
    kafka = find("StatefulSet", "kafka")
    assert kafka["spec"]["replicas"] == 3
    env = {e["name"]: e.get("value") for e in next(containers_of(kafka))["env"]}
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].count("@") == 3
    assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == "3" and env["KAFKA_LOG_RETENTION_MS"] == "-1"
    compose_id = compose_services()["kafka-1"]["environment"]["CLUSTER_ID"]
    assert compose_id.endswith(env["CLUSTER_ID"] + "}"), "one cluster id default for both stacks"
    config = find("ConfigMap", "villagecounsel-config")["data"]
    assert set(config["VC_REQUIRED_TOPICS"].split(",")) == required_topics()
    job = "\n".join(next(containers_of(find("Job", "kafka-topics")))["args"])
    assert "--replication-factor 3" in job and "retention.ms=-1" in job
    script = find("ConfigMap", "villagecounsel-scripts")["data"]["wait_for_topics.py"]
    ast.parse(script)
    for name in SERVICES:
        (init,) = pod_spec(find("Deployment", name))["initContainers"]  # type: ignore[index]
        assert init["command"] == ["python", "/etc/villagecounsel/scripts/wait_for_topics.py"]


def projections_of(service: str) -> set[str]:
    """Projection names a service's composition root registers, read from the source (no import)."""
    package = ROOT / "services" / service / "src" / service
    main = ast.parse((package / "main.py").read_text(encoding="utf-8"))
    classes: set[str] = set()
    for node in ast.walk(main):
        if isinstance(node, ast.keyword) and node.arg == "projections" and isinstance(node.value, ast.List):
            classes |= {
                c.func.id for c in node.value.elts if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
            }
    names = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name in classes:
                for stmt in node.body:
                    if (
                        isinstance(stmt, ast.Assign)
                        and any(isinstance(t, ast.Name) and t.id == "name" for t in stmt.targets)
                        and isinstance(stmt.value, ast.Constant)
                    ):
                        names.add(stmt.value.value)
    return names


def test_rebuild_templates_name_real_projections() -> None:
    jobs = [d for _, d in k8s_docs() if d["kind"] == "CronJob"]
    rebuilds = [j for j in jobs if j["metadata"]["labels"]["app.kubernetes.io/name"] == "rebuild"]
    assert rebuilds
    for job in rebuilds:
        assert job["spec"]["suspend"] is True, f"{job['metadata']['name']} must be a suspended template"
        (container,) = list(containers_of(job))
        assert container["command"] == ["python", "-m", "eventkit.rebuild"]
        service, projection = container["args"]
        assert service in SERVICES
        assert projection in projections_of(service), f"{service} has no projection {projection}"
        env = {e["name"]: e for e in container["env"]}
        assert env["VC_SERVICE"]["value"] == service
        assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == f"{service}-database"


def test_missed_deadlines_are_recorded_daily_in_china_standard_time() -> None:
    (job,) = [d for _, d in k8s_docs() if d["metadata"]["name"] == "reporting-deadline-misses"]
    assert job["spec"]["suspend"] is False and job["spec"]["timeZone"] == "Asia/Shanghai"
    (container,) = list(containers_of(job))
    assert [*container["command"], *container["args"]] == ["python", "-m", "reporting.cli", "misses"]
    env = {e["name"]: e for e in container["env"]}
    assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "reporting-database"


# ---------------------------------------------------------------------------------------- Dockerfile


def test_dockerfile_installs_the_services_and_nothing_for_development() -> None:
    text = (DEPLOY / "docker/Dockerfile").read_text(encoding="utf-8")
    assert "uv sync --frozen --no-dev" in text and "--all-packages" not in text
    for name in SCRAPED:
        assert f"--package villagecounsel-{name}" in text
    assert "--package villagecounsel-devstack" not in text
    user = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert user and user[-1].split(":")[0] not in {"root", "0"}
    workspace = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["uv"][
        "workspace"
    ]
    members = {p.parent for pattern in workspace["members"] for p in ROOT.glob(f"{pattern}/pyproject.toml")}
    for member in members:
        # uv reads the whole workspace: a member whose pyproject.toml is not copied breaks the build
        assert f"COPY {member.relative_to(ROOT)}/pyproject.toml" in text, f"{member.name} not copied"
    for src in ("contracts/src", "services/eventkit/src", *(f"services/{s}/src" for s in SCRAPED)):
        assert f"COPY {src} " in text, src


# ------------------------------------------------------------------------------------------ promtool


@pytest.fixture(scope="module")
def promtool() -> Callable[..., None]:
    """Run promtool (installed from Debian when missing) and assert it succeeded."""
    path = ensure_promtool()

    def run(*args: str) -> None:
        result = subprocess.run([path, *args], capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stdout + result.stderr

    return run


def test_promtool_checks_the_rules_and_their_unit_tests(promtool: Callable[..., None]) -> None:
    promtool("check", "rules", str(DEPLOY / "prometheus/alerts.yml"))
    promtool("test", "rules", str(DEPLOY / "prometheus/alerts.test.yml"))


def test_promtool_checks_the_config(tmp_path: Path, promtool: Callable[..., None]) -> None:
    config = yaml.safe_load((DEPLOY / "prometheus/prometheus.yml").read_text(encoding="utf-8"))
    config["rule_files"] = [str(DEPLOY / "prometheus/alerts.yml")]
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    promtool("check", "config", str(tmp_path / "prometheus.yml"))


def test_promtool_parses_every_dashboard_query(tmp_path: Path, promtool: Callable[..., None]) -> None:
    rules = [
        {
            "record": f"dashboard:query{i}",
            "expr": e.replace("$__rate_interval", "5m").replace("$service", ".*"),
        }
        for i, e in enumerate(dashboard_exprs())
    ]
    (tmp_path / "dashboard.yml").write_text(yaml.safe_dump({"groups": [{"name": "d", "rules": rules}]}))
    promtool("check", "rules", str(tmp_path / "dashboard.yml"))


# ingress-nginx puts each regex path in `location ~* "^<path>"`: matched case-insensitively from the
# start of the URI after nginx normalised it (percent-decoding, dot segments, repeated slashes).
PUBLIC_API_PATHS = ["/api/registry/villages/621025100201", "/api/reporting/dashboard/overview",
                    "/api/ledger/", "/api/assessment", "/api/registry/metrics-notes"]  # fmt: skip
INTERNAL_API_PATHS = ["/api/registry/metrics", "/api/ledger/metrics/", "/api/assessment/METRICS",
                      "/api/reporting/Metrics/x"]  # fmt: skip


def _ingress_routes() -> list[tuple[re.Pattern[str], str, str]]:
    api = find("Ingress", "villagecounsel-api")
    assert api["metadata"]["annotations"]["nginx.ingress.kubernetes.io/use-regex"] == "true"
    rewrite = api["metadata"]["annotations"]["nginx.ingress.kubernetes.io/rewrite-target"]
    return [
        (re.compile("^" + path["path"], re.IGNORECASE), rewrite, path["backend"]["service"]["name"])
        for rule in api["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]


@pytest.mark.parametrize("uri", PUBLIC_API_PATHS)
def test_the_api_ingress_routes_each_service_s_api_with_the_prefix_stripped(uri: str) -> None:
    routed = [(pattern.match(uri), rewrite, name) for pattern, rewrite, name in _ingress_routes()]
    ((match, rewrite, name),) = [(m, r, n) for m, r, n in routed if m]
    assert name == uri.split("/")[2]
    rest = uri.split("/", 3)[3] if uri.count("/") >= 3 else ""
    assert re.sub(r"\$(\d)", lambda g: match.group(int(g.group(1))) or "", rewrite) == f"/{rest}"


@pytest.mark.parametrize("uri", INTERNAL_API_PATHS)
def test_the_ingress_does_not_route_a_service_s_metrics_publicly(uri: str) -> None:
    """Prometheus scrapes the Services directly (ServiceMonitor above); through the public host the
    path falls to the web service, which answers 404 in the error format."""
    assert not [name for pattern, _, name in _ingress_routes() if pattern.match(uri)], uri
    web = find("Ingress", "villagecounsel-web")
    ((path,),) = [rule["http"]["paths"] for rule in web["spec"]["rules"]]
    assert (path["path"], path["backend"]["service"]["name"]) == ("/", "web")


def test_the_web_s_own_metrics_are_not_on_the_port_the_ingress_forwards() -> None:
    """Every Ingress sends the web Service only its `http` port (the pages), where the web answers
    /metrics with 404 when VC_WEB_METRICS_PORT is set (tests/unit/test_web_metrics.py); the metrics
    port is reached by Prometheus alone."""
    backends = [
        path["backend"]["service"]
        for _, d in k8s_docs()
        if d["kind"] == "Ingress"
        for rule in d["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]
    web_backends = [b for b in backends if b["name"] == WEB]
    assert web_backends and all(b["port"] == {"name": "http"} for b in web_backends), web_backends
    ports, metrics_port = _web_ports()
    http = next(p for p in find("Service", WEB)["spec"]["ports"] if p["name"] == "http")
    assert ports[http["targetPort"]] != int(metrics_port)
