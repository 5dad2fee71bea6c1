"""The Kubernetes manifests (deploy/k8s/base, README "Kubernetes"), read and validated offline: no
cluster, kubectl or kustomize runs where the tests do. Each document is checked against the
Kubernetes OpenAPI schemas bundled with the kubernetes-validate package, strictly (an unknown
field is an error), with the network refused; then what the schemas cannot see: selectors,
probes, queues, the image, the users."""

import copy
import http.server
import shlex
import socket
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "deploy" / "k8s" / "base"
# Among the versions kubernetes-validate bundles (test_the_schemas_are_those_of_a_bundled_version).
KUBERNETES_VERSION = "1.33.0"
WORKLOAD_KINDS = {"Deployment", "Job"}
QUEUES = {"deliveries", "housekeeping"}


def kustomization():
    return yaml.safe_load((BASE / "kustomization.yaml").read_text())


def documents(name):
    return [doc for doc in yaml.safe_load_all((BASE / name).read_text()) if doc]


def build():
    """The documents `kustomize build` would emit, before its transformers: every listed file's."""
    return [doc for name in kustomization()["resources"] for doc in documents(name)]


def one(kind, name):
    (found,) = [doc for doc in build() if doc["kind"] == kind and doc["metadata"]["name"] == name]
    return found


def workloads():
    return [doc for doc in build() if doc["kind"] in WORKLOAD_KINDS]


def containers(workload):
    return workload["spec"]["template"]["spec"]["containers"]


def validate(doc):
    """The one way every test validates a document (so the rejection test proves this very helper)."""
    return kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def labels_match(selector, labels):
    return all(labels.get(key) == value for key, value in selector.items())


def first_allowed_host():
    return one("ConfigMap", "lawzana-config")["data"]["ALLOWED_HOSTS"].split(",")[0]


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the manifests' validation tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_every_listed_file_exists_and_every_manifest_but_the_secret_template_is_listed():
    listed = kustomization()["resources"]
    on_disk = {path.name for path in BASE.glob("*.y*ml")} - {"kustomization.yaml"}

    assert all((BASE / name).is_file() for name in listed)
    assert len(listed) == len(set(listed))
    assert set(listed) == on_disk - {"secret.example.yaml"}
    assert "secret.example.yaml" in on_disk


def test_the_build_has_no_two_objects_of_one_kind_and_name_and_labels_every_object():
    ids = Counter((doc["apiVersion"], doc["kind"], doc["metadata"]["name"]) for doc in build())
    config = kustomization()

    assert [key for key, count in ids.items() if count > 1] == []
    assert (config["apiVersion"], config["kind"]) == ("kustomize.config.k8s.io/v1beta1", "Kustomization")
    assert config["labels"][0]["pairs"] == {"app.kubernetes.io/part-of": "lawzana"}
    for doc in build() + documents("secret.example.yaml"):
        labels = doc["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == "lawzana" and labels["app.kubernetes.io/component"], doc
    for workload in workloads():
        assert workload["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]


def test_the_schemas_are_those_of_a_bundled_version():
    assert KUBERNETES_VERSION in kubernetes_validate.utils.all_versions()


@pytest.mark.parametrize(
    "name", sorted(path.name for path in BASE.glob("*.yaml") if path.name != "kustomization.yaml")
)
def test_every_manifest_is_valid_for_kubernetes_without_the_network(name, no_network):
    for doc in documents(name):
        assert validate(doc) == "1.33"


def test_the_validator_rejects_an_unknown_field_and_a_wrong_type(no_network):
    web = one("Deployment", "lawzana-web")
    typo = copy.deepcopy(web)
    container = containers(typo)[0]
    container["readinesProbe"] = container.pop("readinessProbe")
    wrong_type = copy.deepcopy(web)
    wrong_type["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = "45s"

    validate(web)
    with pytest.raises(kubernetes_validate.ValidationError, match="readinesProbe"):
        validate(typo)
    with pytest.raises(kubernetes_validate.ValidationError, match="45s"):
        validate(wrong_type)


def test_every_service_and_budget_selects_the_pods_of_exactly_one_workload():
    selecting = [doc for doc in build() if doc["kind"] in {"Service", "PodDisruptionBudget"}]
    selected = {}
    for doc in selecting:
        selector = doc["spec"]["selector"]
        selector = selector.get("matchLabels", selector) if doc["kind"] == "PodDisruptionBudget" else selector
        matches = [w for w in workloads() if labels_match(selector, w["spec"]["template"]["metadata"]["labels"])]
        assert len(matches) == 1, doc["metadata"]["name"]
        selected.setdefault(doc["kind"], set()).add(matches[0]["metadata"]["name"])
    for workload in workloads():
        if workload["kind"] == "Deployment":
            assert labels_match(
                workload["spec"]["selector"]["matchLabels"], workload["spec"]["template"]["metadata"]["labels"]
            )

    assert selected["Service"] == {"lawzana-web"}
    # One budget each for web and the workers; none for the single beat (worker-pdb.yaml says why).
    assert selected["PodDisruptionBudget"] == {
        "lawzana-web",
        "lawzana-worker-deliveries",
        "lawzana-worker-housekeeping",
    }
    assert one("PodDisruptionBudget", "lawzana-web")["spec"]["minAvailable"] == 1
    for name in ["lawzana-worker-deliveries", "lawzana-worker-housekeeping"]:
        assert one("PodDisruptionBudget", name)["spec"]["maxUnavailable"] == 1
    port = one("Service", "lawzana-web")["spec"]["ports"][0]
    assert (port["port"], port["targetPort"]) == (80, "http")
    assert containers(one("Deployment", "lawzana-web"))[0]["ports"] == [
        {"name": "http", "containerPort": 8000, "protocol": "TCP"}
    ]


def test_the_autoscaler_owns_the_web_deployment_replicas():
    hpa = one("HorizontalPodAutoscaler", "lawzana-web")
    web = one("Deployment", "lawzana-web")

    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "lawzana-web"}
    assert hpa["spec"]["minReplicas"] >= 2 and hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    assert "replicas" not in web["spec"]


def test_every_container_has_cpu_and_memory_requests_and_limits():
    for workload in workloads():
        for container in containers(workload):
            resources = container["resources"]
            for kind in ["requests", "limits"]:
                assert set(resources[kind]) == {"cpu", "memory"}, (workload["metadata"]["name"], kind)


def test_the_web_rolls_out_without_losing_capacity_and_stops_gracefully_like_compose():
    web = one("Deployment", "lawzana-web")
    pod = web["spec"]["template"]["spec"]
    command = containers(web)[0]["command"]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]["command"]
    graceful = int(command[command.index("--graceful-timeout") + 1])
    pre_stop = int(containers(web)[0]["lifecycle"]["preStop"]["exec"]["command"][1])

    assert command == shlex.split(compose)
    assert web["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert pod["terminationGracePeriodSeconds"] >= 35
    assert pod["terminationGracePeriodSeconds"] > pre_stop + graceful


def test_web_probes_ask_healthz_on_the_container_port_with_an_allowed_host():
    container = containers(one("Deployment", "lawzana-web"))[0]
    host = first_allowed_host()
    readiness = container["readinessProbe"]["httpGet"]

    assert readiness["path"] == "/healthz" and readiness["port"] == "http"
    assert readiness.get("scheme", "HTTP") == "HTTP"
    assert readiness["httpHeaders"] == [{"name": "Host", "value": host}]
    assert host == one("Service", "lawzana-web")["metadata"]["name"]
    # One command for both: the test below runs it.
    assert container["startupProbe"]["exec"] == container["livenessProbe"]["exec"]
    for probe in ["startupProbe", "livenessProbe"]:
        script = container[probe]["exec"]["command"][2]
        assert "'127.0.0.1', 8000" in script and "'/healthz'" in script and f"{{'Host': '{host}'}}" in script


@pytest.mark.django_db
def test_the_app_answers_the_probes_host_and_refuses_the_pod_address_the_kubelet_would_send(settings):
    # Production's hosts as the ConfigMap sets them (settings.py reads ALLOWED_HOSTS from it).
    settings.ALLOWED_HOSTS = one("ConfigMap", "lawzana-config")["data"]["ALLOWED_HOSTS"].split(",")

    probed = Client().get("/healthz", HTTP_HOST=first_allowed_host())
    by_address = Client().get("/healthz", HTTP_HOST="10.244.1.17:8000")

    assert probed.status_code in (200, 503) and probed.json()["checks"]["database"] == "ok"
    assert by_address.status_code == 400


class _Stub(http.server.BaseHTTPRequestHandler):
    status = 200
    seen = []

    def do_GET(self):
        self.seen.append((self.path, self.headers["Host"]))
        self.send_response(self.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def run_liveness(port, status):
    """The web liveness probe's own command, against a stub answering `status` on `port`."""
    script = containers(one("Deployment", "lawzana-web"))[0]["livenessProbe"]["exec"]["command"][2]
    _Stub.status, _Stub.seen = status, []
    return subprocess.run(
        [sys.executable, "-c", script.replace("8000", str(port))], capture_output=True, timeout=30
    ).returncode


def test_the_web_liveness_probe_tolerates_a_database_outage_but_not_a_silent_app():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        healthy, outage, refused = run_liveness(port, 200), run_liveness(port, 503), run_liveness(port, 400)
        seen = _Stub.seen
    finally:
        server.shutdown()
        server.server_close()

    # 503 is /healthz saying PostgreSQL or Redis is down: no restart for that.
    assert (healthy, outage) == (0, 0)
    assert refused != 0 and seen == [("/healthz", first_allowed_host())]
    assert run_liveness(port, 200) != 0  # nothing listens any more


def routed_queues(routes):
    """The queues named by Celery's task_routes: one mapping of task names, or a list of routers
    (mappings of task names, or functions that cannot be read here)."""
    for router in [routes] if isinstance(routes, dict) else list(routes):
        if isinstance(router, dict):
            for route in router.values():
                queue = route if isinstance(route, str) else route.get("queue")
                if queue:
                    yield queue


def test_the_workers_consume_exactly_the_two_queues_and_every_routed_queue():
    consumed = {}
    for name in ["lawzana-worker-deliveries", "lawzana-worker-housekeeping"]:
        command = containers(one("Deployment", name))[0]["command"]
        assert command[:4] == ["celery", "-A", "lawzana", "worker"] and "--max-tasks-per-child=500" in command
        consumed[name] = set(command[command.index("-Q") + 1].split(","))
        pod = one("Deployment", name)["spec"]["template"]["spec"]
        assert pod["terminationGracePeriodSeconds"] == 120
        ping = containers(one("Deployment", name))[0]["livenessProbe"]["exec"]["command"]
        assert ping[:2] == ["sh", "-c"] and 'inspect ping -d "celery@$HOSTNAME"' in ping[2]
    # Whatever lawzana/settings.py routes (CELERY_TASK_ROUTES, the default queue, the beat's
    # entries) must reach a queue some worker consumes, or those tasks wait forever.
    routed = set(routed_queues(getattr(settings, "CELERY_TASK_ROUTES", None) or {}))
    routed |= {entry.get("options", {}).get("queue") for entry in settings.CELERY_BEAT_SCHEDULE.values()} - {None}
    default = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", None)
    routed |= {default} if default else set()

    assert consumed == {
        "lawzana-worker-deliveries": {"deliveries", "celery"},
        "lawzana-worker-housekeeping": {"housekeeping"},
    }
    assert routed <= QUEUES, routed - QUEUES


def test_there_is_exactly_one_beat_replaced_not_rolled():
    beats = [w for w in workloads() if "beat" in containers(w)[0]["command"]]

    assert [beat["metadata"]["name"] for beat in beats] == ["lawzana-beat"]
    assert beats[0]["spec"]["replicas"] == 1 and beats[0]["spec"]["strategy"] == {"type": "Recreate"}
    assert containers(beats[0])[0]["command"] == ["celery", "-A", "lawzana", "beat", "--loglevel=INFO"]
    assert containers(beats[0])[0]["livenessProbe"]["exec"]["command"][:3] == ["python", "manage.py", "beat_status"]


def test_every_workload_runs_the_one_image_the_kustomization_names():
    (entry,) = kustomization()["images"]
    images = {container["image"] for workload in workloads() for container in containers(workload)}

    assert images == {entry["name"]} == {"lawzana"}
    assert {workload["metadata"]["name"] for workload in workloads()} == {
        "lawzana-web",
        "lawzana-worker-deliveries",
        "lawzana-worker-housekeeping",
        "lawzana-beat",
        "lawzana-migrate",
    }


def test_the_migrate_job_runs_migrate_and_gives_up_after_a_few_tries():
    job = one("Job", "lawzana-migrate")

    assert containers(job)[0]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert 0 < job["spec"]["backoffLimit"] <= 5 and job["spec"]["ttlSecondsAfterFinished"] > 0


def test_no_container_runs_as_root_or_writes_outside_its_empty_dirs():
    for workload in workloads():
        pod = workload["spec"]["template"]["spec"]
        volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
        for container in containers(workload):
            context = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
            assert context["runAsNonRoot"] is True and context["runAsUser"] == 1000, workload["metadata"]["name"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"] and context["readOnlyRootFilesystem"] is True
            mounts = {mount["mountPath"]: volumes[mount["name"]] for mount in container["volumeMounts"]}
            assert set(mounts) == {"/app/var", "/tmp"} and all("emptyDir" in volume for volume in mounts.values())


def test_every_workload_reads_the_config_then_the_secret_which_with_it_holds_what_production_requires():
    config = one("ConfigMap", "lawzana-config")["data"]
    (secret,) = documents("secret.example.yaml")

    for workload in workloads():
        for container in containers(workload):
            assert container["envFrom"] == [
                {"configMapRef": {"name": "lawzana-config"}},
                {"secretRef": {"name": "lawzana-env"}},
            ]
    assert secret["metadata"]["name"] == "lawzana-env"
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= set(config) | set(
        secret["stringData"]
    )
    # The Secret is read last and would win: the probes' host must come from the ConfigMap.
    assert not set(config) & set(secret["stringData"])
    assert all("REPLACE-ME" in value for value in secret["stringData"].values())
    assert (config["DJANGO_ENV"], config["LOG_FORMAT"]) == ("production", "json")
    assert config["CLIENT_IP_META_KEY"] == "HTTP_X_REAL_IP"
