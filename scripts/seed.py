#!/usr/bin/env python3
"""`make dev` seed data, through the public API only (as a user would): three providers
(registered first, so every droplet and node is placed on one), standalone droplets (one
powered off), a running production cluster with two pools, a staging
cluster that is scaled up once it runs, and a lab cluster deleted once it runs, so the
SPA shows resources in different states and operations of every kind; the simulator's
demand of prod (`spike`: CPU over 80 % three ticks in twelve) and staging (`flapping`:
CPU alternating around 80 %) follows scenario profiles that cross the health thresholds,
so charts and health move; then jobs in
different states (a sleep that succeeds, a fail job that retries until dead, a job
scheduled for later, a cancelled one, a provision job on prod). Idempotent: every
request carries an Idempotency-Key, and names or unique keys already taken (409) count
as done.

Usage: seed.py BASE_URL TOKEN   (never prints the token)
"""
import hashlib
import json
import sys
import time
import urllib.error
import urllib.request

BASE, TOKEN = sys.argv[1].rstrip("/"), sys.argv[2]


def call(method, path, body=None, key=None, if_match=None):
    """(status, json body or None, headers) of one request."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + TOKEN)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Idempotency-Key", key)
    if if_match:
        request.add_header("If-Match", if_match)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None), response.headers
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, (json.loads(raw) if raw else None), error.headers


def find(collection, name):
    status, page, _ = call("GET", f"/api/v1/{collection}?name={name}&show_deleted=true")
    items = page.get(collection, []) if status == 200 else []
    # A live resource of that name wins over deleted ones kept from earlier runs.
    items.sort(key=lambda item: "delete_time" in item)
    return items[0] if items else None


def create(collection, body):
    """The resource named body['name'], created unless it exists."""
    status, answer, _ = call("POST", f"/api/v1/{collection}", body, key=f"seed-{collection}-{body['name']}")
    if status not in (202, 409):
        raise SystemExit(f"seeding {body['name']}: {status} {answer}")
    return wait_for(lambda: find(collection, body["name"]), f"{body['name']} to be readable")


def wait_for(check, what, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise SystemExit(f"seed: gave up waiting for {what}")


def settled(collection, name, states):
    def check():
        item = find(collection, name)
        state = item and (item["status"]["state"] if isinstance(item["status"], dict) else item["status"])
        return item if state in states and not item.get("pending_operation_id") else None
    return wait_for(check, f"{name} to be {'/'.join(states)}")


PROVIDERS = [
    {"name": "demo-cloud", "regions": ["nyc1", "nyc3"], "classes": ["standard"], "capacity": 30},
    {"name": "core-fra", "regions": ["fra1", "ams3"], "classes": ["standard", "highmem"],
     "capacity": 10, "price_hourly_override": "0.0125"},
    {"name": "west-sfo", "regions": ["sfo3"], "classes": ["standard", "gpu"], "capacity": 8},
]


def seed_providers():
    for body in PROVIDERS:
        status, answer, _ = call("POST", "/api/v1/providers", body, key=f"seed-provider-{body['name']}")
        if status not in (201, 409):
            raise SystemExit(f"seeding provider {body['name']}: {status} {answer}")


def main():
    seed_providers()
    droplet = {"region": "nyc1", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64"}
    for name, tags in [("web-1", ["env:prod"]), ("web-2", ["env:prod"]), ("db-1", ["env:prod", "role:db"])]:
        create("droplets", {"name": name, "tags": tags, **droplet})
    pool = lambda name, size, count: {"name": name, "size": size, "count": count}
    create("clusters", {"name": "prod", "region": "nyc1", "tags": ["env:prod"],
                        "node_pools": [pool("web", "s-2vcpu-4gb", 3), pool("workers", "s-1vcpu-2gb", 2)]})
    create("clusters", {"name": "staging", "region": "fra1", "tags": ["env:staging"],
                        "node_pools": [pool("default", "s-1vcpu-2gb", 1)]})
    create("clusters", {"name": "lab", "region": "sfo3", "node_pools": [pool("default", "s-1vcpu-1gb", 1)]})
    for name, level, profile in SCENARIOS:
        set_demand(find("clusters", name), level, profile)

    db = settled("droplets", "db-1", ["active", "off"])
    if db["status"] == "active":
        call("POST", f"/api/v1/droplets/{db['id']}/actions", {"type": "power_off"}, key="seed-db-1-off")
    staging = settled("clusters", "staging", ["running"])
    pool_id = staging["node_pools"][0]["id"]
    if staging["node_pools"][0]["count"] == 1:
        call("PATCH", f"/api/v1/clusters/{staging['id']}/node_pools/{pool_id}", {"count": 3}, key="seed-staging-scale")
    lab = settled("clusters", "lab", ["running", "deleted"])
    if lab["status"]["state"] == "running":
        call("DELETE", f"/api/v1/clusters/{lab['id']}", key="seed-lab-delete", if_match=f"\"{lab['version']}\"")
    prod = settled("clusters", "prod", ["running"])
    seed_jobs(prod)
    seed_policy(prod)
    seed_deployments(prod)
    print("seeded: providers demo-cloud, core-fra, west-sfo; droplets web-1, web-2, db-1 (off); clusters prod (demand spike, pool web under the"
          " \"CPU autoscale\" policy), staging (scaled to 3, demand flapping), lab (deleted); jobs: sleep,"
          " fail (retries to dead), scheduled, cancelled, provision on prod; deployments of prod: web:1.0"
          " (rolling), web:1.1 (canary with analysis), web:1.2 (blue-green), then a rollback to revision 2")


def seed_policy(prod):
    """The original UI's "CPU autoscale" template on prod's web pool, whose spikes it answers
    (a rerun finds it there: 409)."""
    web = next(p for p in prod["node_pools"] if p["name"] == "web")
    body = {"target": {"cluster_id": prod["id"], "node_pool_id": web["id"]}, "min_nodes": 1,
            "max_nodes": 5, "metrics": [{"type": "cpu_utilization", "target": 0.7}]}
    status, answer, _ = call("POST", "/api/v1/autoscaling_policies", body, key="seed-policy-prod-web")
    if status not in (201, 409):
        raise SystemExit(f"seeding the autoscaling policy of prod/web: {status} {answer}")


# The deployment history of prod, oldest first: (key, body). The first deployment of a
# cluster is promoted at once; the canary's analysis may fail (the runner injects failures
# at its configured rate, 15 % as in the original), which rolls it back — history either way.
ANALYSIS = {"metrics": [{"name": "success_rate", "success_condition": "result >= 0.95"}]}
DEPLOYMENTS = [
    ("web-1.0", {"image": "registry.example/web:1.0", "replicas": 3, "strategy": {"type": "rolling"}}),
    ("web-1.1", {"image": "registry.example/web:1.1", "replicas": 3, "analysis": ANALYSIS,
                 "strategy": {"type": "canary", "steps": [{"set_weight": 20}, {"pause": {"duration_seconds": 5}},
                                                          {"set_weight": 50}, {"analysis": {}}]}}),
    ("web-1.2", {"image": "registry.example/web:1.2", "replicas": 3,
                 "strategy": {"type": "blue_green", "scale_down_delay_seconds": 30}}),
]
TERMINAL = {"succeeded", "rolled_back", "failed", "cancelled", "superseded"}


def seed_deployments(prod):
    """prod's deployment history, one deployment after another (each waits for the last
    to end: a second one in progress would be a 409), then a rollback to revision 2."""
    for key, body in DEPLOYMENTS:
        status, answer, _ = call("POST", f"/api/v1/clusters/{prod['id']}/deployments", body,
                                 key=f"seed-deployment-{key}")
        if status == 409:
            return  # seeded by an earlier run (or one is still running): leave it be
        if status != 202:
            raise SystemExit(f"seeding deployment {key}: {status} {answer}")
        finished(answer["id"])
    cluster = find("clusters", "prod")
    status, answer, _ = call("POST", f"/api/v1/clusters/{prod['id']}/deployments:rollback", {"to_revision": 2},
                             key="seed-deployment-rollback", if_match=f"\"{cluster['version']}\"")
    if status == 202:
        finished(answer["id"])


def finished(deployment_id):
    def check():
        status, deployment, _ = call("GET", f"/api/v1/deployments/{deployment_id}")
        return deployment if status == 200 and deployment["status"] in TERMINAL else None
    return wait_for(check, f"deployment {deployment_id} to finish", seconds=180)


# (cluster, level, profile): the simulator's demand of the seeded clusters.
SCENARIOS = [("prod", 60, "spike"), ("staging", 40, "flapping")]


def set_demand(cluster, level, profile):
    """PUT the cluster's simulated demand (allowed while its creation runs)."""
    body = {"level": level, "profile": profile}
    status, answer, _ = call("PUT", f"/api/v1/clusters/{cluster['id']}/demand", body,
                             key=f"seed-demand-{cluster['name']}-{profile}-{level}")
    if status != 200 or answer.get("demand") != body:
        raise SystemExit(f"seeding the demand of {cluster['name']}: {status} {answer}")


def job(key, body):
    """Enqueues `body` under unique key `key` (a 409 means it is there already)."""
    while True:
        # The body (its run_at) differs between runs; the unique key makes a rerun a 409.
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:12]
        status, answer, headers = call("POST", "/api/v1/jobs", {**body, "unique_key": key},
                                       key=f"seed-job-{key}-{digest}")
        if status != 429:
            break
        # jobs_create admits 3 at once, then one per 10 s: wait as told, like any client.
        time.sleep(int(headers.get("Retry-After", "10")))
    if status not in (201, 409):
        raise SystemExit(f"seeding job {key}: {status} {answer}")
    return answer.get("id") if status == 201 else answer.get("metadata", {}).get("existing_job_id")


def seed_jobs(prod):
    job("seed-sleep", {"type": "sleep", "args": {"seconds": 5, "steps": 5}})
    job("seed-fail", {"type": "fail", "args": {"message": "demo failure", "retryable": True},
                      "retry_policy": {"max_attempts": 3}})
    later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    job("seed-scheduled", {"type": "monitor", "args": {"cluster_id": prod["id"]}, "run_at": later})
    cancelled = job("seed-cancelled", {"type": "sleep", "args": {"seconds": 60, "steps": 6}, "priority": 9,
                                       "run_at": later})
    if cancelled:
        call("POST", f"/api/v1/jobs/{cancelled}:cancel")
    workers = prod["node_pools"][1]["id"]
    job("seed-provision", {"type": "provision", "args": {"cluster_id": prod["id"], "node_pool_id": workers, "count": 1},
                           "priority": 2})


if __name__ == "__main__":
    main()
