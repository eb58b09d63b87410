"""The checks behind bin/check-deploy (run it, not this file): docker/compose.yaml and the Kustomize trees under
docker/kubernetes/. Every check prints PASS or FAIL; the process exits 1 if any failed.

  python3 bin/deploy_checks.py compose      the compose file's profiles, defaults, health gating, exposure
  python3 bin/deploy_checks.py kubernetes   the rendered base and overlay, object by object

Needs Debian's python3-yaml and python3-kubernetes, docker-compose and kubectl (bin/check-deploy installs them).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPOSE = os.environ.get("CHECK_DEPLOY_COMPOSE") or os.path.join(ROOT, "docker", "compose.yaml")
PREFLIGHT = os.path.join(ROOT, "docker", "compose", "preflight.sh")
# the preflight runs in busybox:1.36 under compose: the same shell here when Debian's busybox is installed
SH = ["busybox", "sh"] if shutil.which("busybox") else ["sh"]
failures = 0


def result(name, problems):
    global failures
    if problems:
        failures += 1
        print(f"check-deploy: FAIL {name}", file=sys.stderr)
        for p in problems:
            print(f"    {p}", file=sys.stderr)
    else:
        print(f"check-deploy: PASS {name}")


def run(cmd, env=None, cwd=ROOT, stdin=None):
    p = subprocess.run(cmd, cwd=cwd, env=env, input=stdin, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


# ---------------------------------------------------------------- compose

BASE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin"}
SENTINEL = "SENTINEL-abcdefghijklmnopqrstuvwxyz-0123456789"
LONG_RUNNING_EXEMPT = ("preflight", "preflight-monitoring")  # one-shot services: no restart policy


def compose_config(profiles, env):
    """docker-compose (v1, Debian's) validates the file against its compose-spec schema and interpolates it."""
    cmd = ["docker-compose", "-f", COMPOSE]
    for p in profiles:
        cmd += ["--profile", p]
    code, out, err = run(cmd + ["config"], env={**BASE_ENV, **env})
    return code, out, err


def variables(text):
    return sorted(set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", text)))


def compose_checks():
    text = open(COMPOSE).read()
    raw = yaml.safe_load(text)
    code_text = "\n".join(re.sub(r"(^|\s)#.*$", "", line) for line in text.splitlines())  # comments dropped
    services = raw.get("services", {})
    names = variables(code_text)
    full_env = {n: SENTINEL for n in names}

    # 1. schema and interpolation, per profile: the demo with an EMPTY environment, the others with every variable
    rendered = {}
    for profiles, env, label in ((["demo"], {}, "demo, empty environment"),
                                 (["cluster"], full_env, "cluster"),
                                 (["cluster", "monitoring"], full_env, "cluster + monitoring")):
        code, out, err = compose_config(profiles, env)
        problems = [] if code == 0 else [f"docker-compose config exited {code}: {err.strip()}"]
        problems += [f"warning: {line}" for line in err.splitlines() if "WARNING" in line]
        result(f"compose: docker-compose --profile {' --profile '.join(profiles)} config ({label})", problems)
        rendered[label] = yaml.safe_load(out) if code == 0 else None

    problems = []
    if re.search(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?\?", code_text):
        problems.append("a ${VAR:?} / ${VAR?} makes every command fail without VAR, the demo's too: use ${VAR:-} "
                        "and docker/compose/preflight.sh")
    result("compose: no ${VAR:?} (it would break the demo profile)", problems)

    # 2. every service in a profile; the demo's services need no variable at all
    problems = [f"service {s} has no profile: it starts with every profile" for s, d in services.items()
                if not d.get("profiles")]
    result("compose: every service belongs to a profile", problems)

    empty, sentinel = rendered.get("demo, empty environment"), None
    code, out, err = compose_config(["demo"], full_env)
    sentinel = yaml.safe_load(out) if code == 0 else None
    problems = []
    demo_services = [s for s, d in services.items() if "demo" in (d.get("profiles") or [])]
    if not demo_services:
        problems.append("no service in the demo profile")
    if empty is None or sentinel is None:
        problems.append("the demo profile does not render")
    else:
        for s in demo_services:
            if empty["services"][s] != sentinel["services"][s]:
                problems.append(f"{s} changes with the environment: the demo must need no variable")
            if SENTINEL in yaml.safe_dump(sentinel["services"][s]):
                problems.append(f"{s} reads a variable")
        demo = empty["services"].get("demo", {})
        env = demo.get("environment", {})
        if env.get("ELEVENLABS_API_URL") != "simulator":
            problems.append("the demo node is not in demo mode (ELEVENLABS_API_URL=simulator)")
        for key in ("SECRET_KEY", "ELEVENLABS_WEBHOOK_SECRET", "DATABASE_URL"):
            if not env.get(key):
                problems.append(f"the demo node has no {key}")
        if len(env.get("SECRET_KEY", "")) < 32:
            problems.append("the demo's SECRET_KEY is shorter than 32 bytes: the node would refuse it")
        dep = [d for d, _ in (demo.get("depends_on") or {}).items()]
        if any("demo" not in (services[d].get("profiles") or []) for d in dep):
            problems.append("the demo node depends on a service outside the demo profile")
    result("compose: the demo profile needs no variable (same rendering with an empty and a full environment)",
           problems)

    # 3. restart policies, health-gated order, dependencies inside the dependent's profiles
    problems = []
    for s, d in services.items():
        if s in LONG_RUNNING_EXEMPT:
            if d.get("restart") not in (None, "no"):
                problems.append(f"{s} is a one-shot: no restart policy")
        elif d.get("restart") != "unless-stopped":
            problems.append(f"{s}: restart is {d.get('restart')!r}, not unless-stopped")
        deps = d.get("depends_on") or {}
        if isinstance(deps, list):
            problems.append(f"{s}: depends_on without conditions (start order not health-gated)")
            deps = {x: {} for x in deps}
        for dep, cond in deps.items():
            c = (cond or {}).get("condition")
            if dep not in services:
                problems.append(f"{s} depends on an unknown service {dep}")
                continue
            if not set(services[dep].get("profiles") or []) >= set(d.get("profiles") or []):
                problems.append(f"{s} depends on {dep}, which is not in all of {s}'s profiles")
            if dep in LONG_RUNNING_EXEMPT:
                if c != "service_completed_successfully":
                    problems.append(f"{s} -> {dep}: condition must be service_completed_successfully")
            elif c != "service_healthy":
                problems.append(f"{s} -> {dep}: condition {c!r}, not service_healthy")
            elif not services[dep].get("healthcheck"):
                problems.append(f"{s} waits for {dep} to be healthy, but {dep} has no healthcheck")
    for s, d in services.items():
        image = str(d.get("image", ""))
        test = " ".join(map(str, (d.get("healthcheck") or {}).get("test", [])))
        if image.startswith("postgres") and "pg_isready" not in test:
            problems.append(f"{s}: PostgreSQL without a pg_isready healthcheck")
        if "build" in d and "/ready" not in test:
            problems.append(f"{s}: a callstream node without a /ready healthcheck")
        if s.startswith("node") and (d.get("depends_on") or {}).get("postgres", {}).get("condition") != "service_healthy":
            problems.append(f"{s} does not wait for a healthy PostgreSQL")
    nginx_deps = services.get("nginx", {}).get("depends_on") or {}
    for n in ("node1", "node2", "node3"):
        if (nginx_deps.get(n) or {}).get("condition") != "service_healthy":
            problems.append(f"nginx does not wait for {n} to be ready")
    result("compose: restart: unless-stopped, health-gated start order, dependencies within their profiles",
           problems)

    # 4. exposure: only nginx on every interface; monitoring on loopback; no literal production secret
    problems = []
    full = rendered.get("cluster + monitoring")
    for s, d in services.items():
        for port in d.get("ports") or []:
            port = str(port)
            if s == "nginx":
                continue
            if not port.startswith("127.0.0.1:"):
                problems.append(f"{s} publishes {port} beyond the host's loopback")
    for s in ("prometheus", "grafana", "alertmanager"):
        if not services.get(s, {}).get("ports"):
            problems.append(f"{s} publishes no port")
    if "alertmanager" in services:
        vols = " ".join(services["alertmanager"].get("volumes") or [])
        if "./alertmanager/alertmanager.yml:" not in vols:
            problems.append("alertmanager does not mount docker/alertmanager/alertmanager.yml")
    else:
        problems.append("no alertmanager service (docker/prometheus/prometheus.yml sends alerts to alertmanager:9093)")
    secretish = re.compile(r"PASSWORD|SECRET|API_KEY$|CLUSTER_NAME$")
    if full:
        for s, d in full["services"].items():
            if "demo" in (services[s].get("profiles") or []):
                continue
            for k, v in (d.get("environment") or {}).items():
                v = "" if v is None else str(v)
                if secretish.search(k) and v != SENTINEL:
                    problems.append(f"{s}: {k} is not taken from the environment")
                m = re.match(r"postgres(?:ql)?://[^:/@]+:([^@]*)@", v)
                if m and m.group(1) != SENTINEL:
                    problems.append(f"{s}: {k} holds a literal database password")
            env = d.get("environment") or {}
            if s.startswith("node"):
                if not env.get("TRUSTED_PROXIES"):
                    problems.append(f"{s}: no TRUSTED_PROXIES")
                if env.get("PUBLIC_BASE_URL") != SENTINEL:
                    problems.append(f"{s}: PUBLIC_BASE_URL is not taken from the environment")
        nginx_ip = (((full["services"].get("nginx") or {}).get("networks") or {}).get("default") or {}).get(
            "ipv4_address")
        for n in ("node1", "node2", "node3"):
            if (full["services"][n].get("environment") or {}).get("TRUSTED_PROXIES") != nginx_ip:
                problems.append(f"{n}: TRUSTED_PROXIES is not nginx's fixed address {nginx_ip}")
    for label, node, db in (("demo, empty environment", "demo", "demo-postgres"),
                            ("cluster", "node1", "postgres")):
        r = rendered.get(label)
        if not r:
            continue
        url = str((r["services"][node].get("environment") or {}).get("DATABASE_URL", ""))
        m = re.match(r"postgres(?:ql)?://([^:/@]+):([^@]*)@([^:/]+):5432/(\w+)$", url)
        pg = r["services"][db].get("environment") or {}
        if not m or (m.group(1), m.group(2), m.group(3), m.group(4)) != (
                pg.get("POSTGRES_USER"), str(pg.get("POSTGRES_PASSWORD")), db, pg.get("POSTGRES_DB")):
            problems.append(f"{node}'s DATABASE_URL does not match {db}'s user, password and database")
    result("compose: ports on loopback but nginx, secrets from the environment, TRUSTED_PROXIES = nginx", problems)

    # 5. the preflight refuses an empty environment (naming every setting) and accepts a complete one
    problems = []
    with tempfile.TemporaryDirectory() as tls:
        code, out, err = run([*SH, PREFLIGHT, "cluster"], env={**BASE_ENV, "TLS_DIR": tls})
        if code != 2:
            problems.append(f"cluster preflight with an empty environment exited {code}, not 2")
        required = [n for n in services["preflight"].get("environment", {})]
        for n in required + ["node.key"]:
            if n not in err:
                problems.append(f"cluster preflight with an empty environment does not name {n}")
        for f in ("ca.crt", "node.crt", "node.key"):
            open(os.path.join(tls, f), "w").close()
        good = {"SECRET_KEY": "k" * 64, "ELEVENLABS_WEBHOOK_SECRET": "whsec_x", "POSTGRES_PASSWORD": "abc123",
                "CLUSTER_NAME": "0123456789abcdef01", "PUBLIC_BASE_URL": "https://calls.example.com",
                "TLS_DIR": tls}
        code, out, err = run([*SH, PREFLIGHT, "cluster"], env={**BASE_ENV, **good})
        if code != 0:
            problems.append(f"cluster preflight with every setting exited {code}: {err.strip()}")
        code, out, err = run([*SH, PREFLIGHT, "cluster"], env={**BASE_ENV, **good, "SECRET_KEY": "short",
                                                                "POSTGRES_PASSWORD": "a@b"})
        if code != 2 or "32 bytes" not in err or "DATABASE_URL" not in err:
            problems.append("cluster preflight accepts a short SECRET_KEY or a password that breaks the URL")
    code, out, err = run([*SH, PREFLIGHT, "monitoring"], env=BASE_ENV)
    if code != 2 or "GRAFANA_ADMIN_PASSWORD" not in err:
        problems.append("monitoring preflight accepts a missing GRAFANA_ADMIN_PASSWORD")
    for s, d in services.items():
        if s in LONG_RUNNING_EXEMPT or "demo" in (d.get("profiles") or []):
            continue
        deps = d.get("depends_on") or {}
        gated = any(x in deps for x in LONG_RUNNING_EXEMPT) or any(
            any(y in (services[x].get("depends_on") or {}) for y in LONG_RUNNING_EXEMPT) for x in deps)
        reads_secret = any(secretish.search(k) for k in (d.get("environment") or {}))
        if reads_secret and not gated:
            problems.append(f"{s} reads a required secret but does not wait for a preflight")
    for k in ("SECRET_KEY", "ELEVENLABS_WEBHOOK_SECRET", "POSTGRES_PASSWORD", "CLUSTER_NAME", "PUBLIC_BASE_URL"):
        if k not in (services.get("preflight", {}).get("environment") or {}):
            problems.append(f"the cluster preflight does not check {k}")
    result("compose: preflight.sh refuses missing settings (exit 2, named) and gates every secret reader", problems)


# ---------------------------------------------------------------- main

def main():
    what = sys.argv[1:] or ["compose"]
    for w in what:
        if w == "compose":
            compose_checks()
        elif w == "kubernetes":
            import k8s_checks  # bin/k8s_checks.py, beside this file
            k8s_checks.checks(result, run)
        else:
            print(f"unknown check {w}", file=sys.stderr)
            return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
