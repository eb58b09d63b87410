"""Kubernetes checks of bin/check-deploy (through bin/deploy_checks.py kubernetes): renders docker/kubernetes/base and
docker/kubernetes/overlays/production with `kubectl kustomize` (offline) and checks every object.

Schema: the built-in kinds against the API types of Debian's python3-kubernetes (22.6, the Kubernetes 1.22 API:
every field name known, every value of its type, required fields present, the client's enum checks); the
ServiceMonitor and PrometheusRule against the prometheus-operator fields written out below (a subset: fields
callstream uses or may reasonably add), and the PrometheusRule's rules with `promtool check rules`.
Policy: the restricted Pod Security profile, probes, resources, the PDB, spread, references, placeholders.
"""
import os
import re
import subprocess
import tempfile

import yaml
from kubernetes import client

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
K8S = os.environ.get("CHECK_DEPLOY_K8S") or os.path.join(ROOT, "docker", "kubernetes")
TREES = {"base": os.path.join(K8S, "base"), "production overlay": os.path.join(K8S, "overlays", "production")}
KINDS = {  # (apiVersion, kind) -> python3-kubernetes model
    ("v1", "ConfigMap"): "V1ConfigMap", ("v1", "Secret"): "V1Secret", ("v1", "Service"): "V1Service",
    ("v1", "ServiceAccount"): "V1ServiceAccount", ("v1", "Namespace"): "V1Namespace",
    ("apps/v1", "Deployment"): "V1Deployment", ("batch/v1", "Job"): "V1Job",
    ("policy/v1", "PodDisruptionBudget"): "V1PodDisruptionBudget",
    ("networking.k8s.io/v1", "NetworkPolicy"): "V1NetworkPolicy", ("networking.k8s.io/v1", "Ingress"): "V1Ingress",
}
# prometheus-operator (monitoring.coreos.com/v1) fields: None = any value, a dict = an object with these fields
_RELABEL = {"sourceLabels": None, "separator": None, "targetLabel": None, "regex": None, "modulus": None,
            "replacement": None, "action": None}
_SELECTOR = {"matchLabels": None, "matchExpressions": None}
CRDS = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): {
        "selector": _SELECTOR, "namespaceSelector": {"any": None, "matchNames": None}, "jobLabel": None,
        "targetLabels": None, "podTargetLabels": None, "sampleLimit": None,
        "endpoints": [{"port": None, "targetPort": None, "path": None, "scheme": None, "params": None,
                       "interval": None, "scrapeTimeout": None, "honorLabels": None, "honorTimestamps": None,
                       "tlsConfig": None, "authorization": None, "bearerTokenSecret": None,
                       "relabelings": [_RELABEL], "metricRelabelings": [_RELABEL]}],
    },
    ("monitoring.coreos.com/v1", "PrometheusRule"): {
        "groups": [{"name": None, "interval": None, "limit": None, "partial_response_strategy": None,
                    "rules": [{"alert": None, "record": None, "expr": None, "for": None, "keep_firing_for": None,
                               "labels": None, "annotations": None}]}],
    },
}
REQUIRED_CRD = {"ServiceMonitor": ["selector", "endpoints"], "PrometheusRule": ["groups"]}
EXTERNAL_SECRETS = {"callstream-cluster-tls", "callstream-tls"}  # created by the operator (README.md)
_cfg = client.Configuration()
_cfg.client_side_validation = True
_required_cache = {}


def render(path):
    p = subprocess.run(["kubectl", "kustomize", path], capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr.strip()
    return [d for d in yaml.safe_load_all(p.stdout) if d], None


# ------------------------------------------------------------ schema

def _required(cls):
    if cls not in _required_cache:
        req = []
        for attr in cls.openapi_types:
            obj = cls.__new__(cls)
            obj.local_vars_configuration = _cfg
            try:
                setattr(obj, attr, None)
            except ValueError:
                req.append(cls.attribute_map[attr])
        _required_cache[cls] = req
    return _required_cache[cls]


def check_type(value, typ, path, problems):
    if value is None:
        return
    if typ == "object":
        return
    if typ.startswith("list["):
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list")
            return
        for i, v in enumerate(value):
            check_type(v, typ[5:-1], f"{path}[{i}]", problems)
        return
    if typ.startswith("dict("):
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a map")
            return
        inner = typ[5:-1].split(", ", 1)[1]
        for k, v in value.items():
            check_type(v, inner, f"{path}.{k}", problems)
        return
    simple = {"str": str, "int": int, "bool": bool, "float": (int, float), "datetime": str, "date": str}
    if typ in simple:
        ok = isinstance(value, simple[typ]) and not (typ in ("int", "float") and isinstance(value, bool))
        if not ok:
            problems.append(f"{path}: expected {typ}, got {type(value).__name__} {value!r}")
        return
    cls = getattr(client, typ, None)
    if cls is None:
        problems.append(f"{path}: unknown type {typ}")
        return
    if not isinstance(value, dict):
        problems.append(f"{path}: expected an object ({typ})")
        return
    by_json = {j: a for a, j in cls.attribute_map.items()}
    for k, v in value.items():
        if k not in by_json:
            problems.append(f"{path}.{k}: unknown field (not in {typ})")
            continue
        attr = by_json[k]
        obj = cls.__new__(cls)
        obj.local_vars_configuration = _cfg
        try:
            setattr(obj, attr, v)
        except ValueError as e:
            problems.append(f"{path}.{k}: {e}")
        check_type(v, cls.openapi_types[attr], f"{path}.{k}", problems)
    for k in _required(cls):
        if k not in value:
            problems.append(f"{path}: required field {k} missing ({typ})")


def check_crd(value, shape, path, problems):
    if shape is None or value is None:
        return
    if isinstance(shape, list):
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list")
            return
        for i, v in enumerate(value):
            check_crd(v, shape[0], f"{path}[{i}]", problems)
        return
    if not isinstance(value, dict):
        problems.append(f"{path}: expected an object")
        return
    for k, v in value.items():
        if k not in shape:
            problems.append(f"{path}.{k}: unknown field")
        else:
            check_crd(v, shape[k], f"{path}.{k}", problems)


def schema_problems(objects):
    problems = []
    for o in objects:
        key = (o.get("apiVersion"), o.get("kind"))
        where = f"{o.get('kind')}/{(o.get('metadata') or {}).get('name')}"
        if key in KINDS:
            check_type(o, KINDS[key], where, problems)
        elif key in CRDS:
            check_crd({k: v for k, v in o.items() if k not in ("apiVersion", "kind", "metadata")},
                      {"spec": CRDS[key]}, where, problems)
            check_type(o.get("metadata"), "V1ObjectMeta", f"{where}.metadata", problems)
            for f in REQUIRED_CRD[key[1]]:
                if f not in (o.get("spec") or {}):
                    problems.append(f"{where}.spec: required field {f} missing")
        else:
            problems.append(f"{where}: no schema for {key}")
    return problems


# ------------------------------------------------------------ policy

def by_kind(objects, kind):
    return [o for o in objects if o.get("kind") == kind]


def pod_problems(where, pod):
    p = []
    psc = pod.get("securityContext") or {}
    if pod.get("hostNetwork") or pod.get("hostPID") or pod.get("hostIPC"):
        p.append(f"{where}: host namespaces")
    if (psc.get("seccompProfile") or {}).get("type") not in ("RuntimeDefault", "Localhost"):
        p.append(f"{where}: seccompProfile is not RuntimeDefault")
    if psc.get("runAsUser") != 10001 or psc.get("runAsNonRoot") is not True:
        p.append(f"{where}: not runAsNonRoot with runAsUser 10001")
    for v in pod.get("volumes") or []:
        if "hostPath" in v:
            p.append(f"{where}: hostPath volume {v['name']}")
    tmp = [v for v in pod.get("volumes") or [] if "emptyDir" in v]
    for c in (pod.get("initContainers") or []) + (pod.get("containers") or []):
        sc = c.get("securityContext") or {}
        cw = f"{where} container {c.get('name')}"
        if sc.get("allowPrivilegeEscalation") is not False:
            p.append(f"{cw}: allowPrivilegeEscalation is not false")
        if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []) or (sc.get("capabilities") or {}).get("add"):
            p.append(f"{cw}: capabilities do not drop ALL (or add some)")
        if sc.get("privileged"):
            p.append(f"{cw}: privileged")
        if sc.get("readOnlyRootFilesystem") is not True:
            p.append(f"{cw}: readOnlyRootFilesystem is not true")
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts") or []}
        if mounts.get("/tmp") not in [v["name"] for v in tmp]:
            p.append(f"{cw}: no emptyDir at /tmp (the root filesystem is read-only)")
        res = c.get("resources") or {}
        req, lim = res.get("requests") or {}, res.get("limits") or {}
        if not req.get("cpu") or not req.get("memory") or not lim.get("memory"):
            p.append(f"{cw}: requests cpu/memory and a memory limit are required")
        elif req["memory"] != lim["memory"]:
            p.append(f"{cw}: memory request {req['memory']} != limit {lim['memory']} (the heap is 75% of the limit)")
    return p


def policy_problems(objects, tree):
    p = []
    deps = [d for d in by_kind(objects, "Deployment") if d["metadata"]["name"] == "callstream"]
    if len(deps) != 1:
        return ["no Deployment callstream"]
    dep = deps[0]
    pod = dep["spec"]["template"]["spec"]
    p += pod_problems("Deployment/callstream", pod)
    if (dep["spec"].get("replicas") or 1) < 3:
        p.append("Deployment/callstream: fewer than 3 replicas")
    c = next(c for c in pod["containers"] if c["name"] == "callstream")
    r, lv, st = c.get("readinessProbe") or {}, c.get("livenessProbe") or {}, c.get("startupProbe") or {}
    if (r.get("httpGet") or {}).get("path") != "/ready" or r.get("failureThreshold", 3) < 3 \
            or r.get("timeoutSeconds", 1) < 3:
        p.append("readinessProbe: GET /ready with failureThreshold >= 3 and timeoutSeconds >= 3")
    if (lv.get("httpGet") or {}).get("path") != "/health" or lv.get("timeoutSeconds", 1) < 3 \
            or lv.get("failureThreshold", 3) < 3:
        p.append("livenessProbe: GET /health with failureThreshold >= 3 and timeoutSeconds >= 3")
    if not st.get("httpGet") or st.get("periodSeconds", 10) * st.get("failureThreshold", 3) < 60:
        p.append("startupProbe: missing or allows less than 60 s")
    if "cpu" in ((c.get("resources") or {}).get("limits") or {}):
        p.append("a CPU limit throttles the event loops and heartbeats (see deployment.yaml)")
    keys = {t.get("topologyKey") for t in pod.get("topologySpreadConstraints") or []}
    if not {"kubernetes.io/hostname", "topology.kubernetes.io/zone"} <= keys:
        p.append("topologySpreadConstraints: over nodes and zones")
    if pod.get("terminationGracePeriodSeconds", 30) <= 15:
        p.append("terminationGracePeriodSeconds must exceed preStop 5 s + DRAIN_TIMEOUT_SECONDS 10 s")
    pdbs = by_kind(objects, "PodDisruptionBudget")
    if not any(x["spec"].get("maxUnavailable") == 1 and
               x["spec"]["selector"].get("matchLabels") == {"app": "callstream"} for x in pdbs):
        p.append("no PodDisruptionBudget with maxUnavailable 1 for app=callstream")
    for job in by_kind(objects, "Job"):
        p += pod_problems(f"Job/{job['metadata']['name']}", job["spec"]["template"]["spec"])
    admin = [j for j in by_kind(objects, "Job") if j["metadata"]["name"] == "callstream-first-admin"]
    script = " ".join(admin[0]["spec"]["template"]["spec"]["containers"][0].get("command", [])) if admin else ""
    if "user add admin --role admin" not in script or "user list" not in script or "REPLACE_ME" not in script:
        p.append("the first-admin Job does not add admin (skipping an existing one, refusing the placeholder)")
    # NetworkPolicy: the cluster ports from callstream pods only
    nps = by_kind(objects, "NetworkPolicy")
    ok = False
    for np_ in nps:
        for rule in np_["spec"].get("ingress") or []:
            ports = {x.get("port") for x in rule.get("ports") or []}
            if {5701, 5702} <= ports and rule.get("from") == [{"podSelector": {"matchLabels": {"app": "callstream"}}}]:
                ok = True
            elif ports & {5701, 5702}:
                p.append("NetworkPolicy: a rule opens 5701/5702 beyond callstream pods")
    if not ok:
        p.append("NetworkPolicy: no rule limiting 5701/5702 to callstream pods")
    # references resolve inside the rendering (except the Secrets the operator creates)
    names = {(o["kind"], o["metadata"]["name"]) for o in objects}
    text = yaml.safe_dump(objects)
    for kind, ref in re.findall(r"(configMapRef|secretRef|secretKeyRef|configMapKeyRef):\n\s+(?:key: \S+\n\s+)?"
                                r"name: (\S+)", text):
        want = "ConfigMap" if "onfigMap" in kind else "Secret"
        if (want, ref) not in names:
            p.append(f"{kind} {ref}: no such {want} in the rendering")
    for obj_pod in [pod] + [j["spec"]["template"]["spec"] for j in by_kind(objects, "Job")]:
        for v in obj_pod.get("volumes") or []:
            if "secret" in v and ("Secret", v["secret"]["secretName"]) not in names \
                    and v["secret"]["secretName"] not in EXTERNAL_SECRETS:
                p.append(f"volume {v['name']}: no Secret {v['secret']['secretName']}")
            if "configMap" in v and ("ConfigMap", v["configMap"]["name"]) not in names:
                p.append(f"volume {v['name']}: no ConfigMap {v['configMap']['name']}")
    # settings: TRUSTED_PROXIES, PUBLIC_BASE_URL (https), the Hazelcast XML as committed
    cms = {o["metadata"]["name"].rsplit("-", 1)[0]: o for o in by_kind(objects, "ConfigMap")}
    conf = (cms.get("callstream-config") or {}).get("data") or {}
    if not conf.get("TRUSTED_PROXIES"):
        p.append("callstream-config: no TRUSTED_PROXIES")
    if not str(conf.get("PUBLIC_BASE_URL", "")).startswith("https://"):
        p.append("callstream-config: PUBLIC_BASE_URL is not an https URL")
    hz = ((cms.get("callstream-hazelcast") or {}).get("data") or {}).get("hazelcast.xml")
    if hz != open(os.path.join(K8S, "base", "hazelcast.xml")).read():
        p.append("callstream-hazelcast: not docker/kubernetes/base/hazelcast.xml")
    hz_mount = next((m for m in c.get("volumeMounts") or [] if m["name"] == "hazelcast"), {})
    hz_file = hz_mount.get("mountPath", "?") + ("" if hz_mount.get("subPath") else "/hazelcast.xml")
    if conf.get("CLUSTER_CONFIG") != hz_file:
        p.append(f"CLUSTER_CONFIG {conf.get('CLUSTER_CONFIG')} is not where the Hazelcast ConfigMap is mounted")
    if tree == "production overlay":
        ns = by_kind(objects, "Namespace")
        if not ns or ns[0]["metadata"].get("labels", {}).get("pod-security.kubernetes.io/enforce") != "restricted":
            p.append("the namespace does not enforce the restricted Pod Security profile")
        if any(o["metadata"].get("namespace") not in ("callstream", None) for o in objects):
            p.append("an object outside the callstream namespace")
    return p


def placeholder_problems():
    """Committed secret files hold placeholders only: a real-looking secret in git fails the check."""
    p = []
    for tree in TREES.values():
        for name in os.listdir(tree):
            if name in ("secrets.env", "first-admin.env", "cluster-name", "cluster-name.placeholder"):
                for line in open(os.path.join(tree, name)):
                    line = line.strip()
                    if line and not line.startswith("#") and "REPLACE_ME" not in line:
                        p.append(f"{os.path.relpath(os.path.join(tree, name), ROOT)}: '{line}' is not a placeholder")
    return p


def promtool_problems(objects):
    rules = by_kind(objects, "PrometheusRule")
    if len(rules) != 1:
        return ["expected one PrometheusRule"]
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        yaml.safe_dump(rules[0]["spec"], f)
    try:
        r = subprocess.run(["promtool", "check", "rules", f.name], capture_output=True, text=True)
    except FileNotFoundError:
        return ["promtool is not installed"]
    finally:
        os.unlink(f.name)
    return [] if r.returncode == 0 else [r.stdout.strip() + r.stderr.strip()]


def checks(result, run):
    code, out, err = run([os.path.join(ROOT, "bin", "gen-prometheusrule"), "--check"])
    result("kubernetes: base/prometheusrule.yaml is bin/gen-prometheusrule's output of docker/prometheus/alerts.yml",
           [] if code == 0 else [out[-3000:] + err])
    result("kubernetes: the committed Secret files hold placeholders only", placeholder_problems())
    for tree, path in TREES.items():
        objects, error = render(path)
        result(f"kubernetes: kubectl kustomize {os.path.relpath(path, ROOT)}", [error] if error else [])
        if objects is None:
            continue
        result(f"kubernetes {tree}: {len(objects)} objects against the API schemas", schema_problems(objects))
        try:
            policy = policy_problems(objects, tree)
        except (KeyError, TypeError, AttributeError, StopIteration) as e:  # a shape the schema check reports
            policy = [f"could not check ({type(e).__name__}: {e}); see the schema check above"]
        result(f"kubernetes {tree}: restricted pods, probes, resources, PDB, spread, references, settings", policy)
        result(f"kubernetes {tree}: the PrometheusRule's rules (promtool check rules)", promtool_problems(objects))
