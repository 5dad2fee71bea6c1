"""Redis behind Sentinel (lawzana/redis_conn.py): a master, its replica and a sentinel of this
test's own, started from Debian's redis-server on free ports, then a failover."""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from lawzana import cache as resilient
from lawzana.cache import ResilientRedisCache
from lawzana.redis_conn import client
from tests.integration.conftest import _unavailable, wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
MASTER = "lztest"


def on(port: int, db: int, ask):
    """What ask(client) returns from the server at `port`, the connection closed after."""
    with redis.Redis(port=port, db=db, socket_timeout=1) as server:
        return ask(server)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Servers:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.processes = []
        self.ports = {}

    def start(self, name: str, *args: str, config: str | None = None) -> int:
        port = free_port()
        self.ports[name] = port
        command = ["redis-server"]
        if config is not None:
            path = self.tmp / f"{name}.conf"
            path.write_text(config.format(port=port))
            command += [str(path), "--sentinel"]
        else:
            command += ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", *args]
        with (self.tmp / f"{name}.log").open("wb") as log:
            self.processes.append(subprocess.Popen(command, cwd=self.tmp, stdout=log, stderr=subprocess.STDOUT))
        assert wait_for(lambda: self._answers(port), timeout=10), f"redis {name} did not start"
        return port

    @staticmethod
    def _answers(port) -> bool:
        try:
            return on(port, 0, lambda server: server.ping())
        except redis.RedisError:
            return False

    def stop(self):
        for process in self.processes:
            process.kill()
            process.wait(5)


@pytest.fixture
def sentinel(tmp_path):
    if not shutil.which("redis-server"):
        _unavailable("needs Debian's redis-server to start a master, a replica and a sentinel")
    servers = Servers(tmp_path)
    try:
        master = servers.start("master", "--repl-diskless-sync-delay", "0")
        replica = servers.start("replica", "--replicaof", "127.0.0.1", str(master))
        assert wait_for(
            lambda: on(replica, 0, lambda server: server.info("replication").get("master_link_status")) == "up",
            timeout=15,
        )
        port = servers.start(
            "sentinel",
            config=(
                "port {port}\nbind 127.0.0.1\n"
                f"sentinel monitor {MASTER} 127.0.0.1 {master} 1\n"
                f"sentinel down-after-milliseconds {MASTER} 1000\n"
                f"sentinel failover-timeout {MASTER} 5000\n"
            ),
        )
        probe = redis.Redis(port=port, decode_responses=True)
        # The sentinel has found the replica: a failover has somewhere to go.
        assert wait_for(lambda: probe.sentinel_slaves(MASTER), timeout=15)
        servers.url = f"sentinel://127.0.0.1:{port}/0"
        servers.probe = probe
        yield servers
    finally:
        if getattr(servers, "probe", None) is not None:
            servers.probe.close()
        servers.stop()


def current_master(servers) -> int:
    return int(servers.probe.sentinel_get_master_addr_by_name(MASTER)[1])


def test_the_site_reaches_the_broker_cache_and_rate_limits_through_the_sentinels(sentinel, tmp_path):
    """Settings read REDIS_URL=sentinel://...: a task is queued, the cache and the rate limits'
    counters are written, the beat's Redis answers and /healthz says ok."""
    code = (
        "from django.core.cache import caches; from django.test import Client; "
        "from lawzana.celery import app; from redbeat.schedulers import get_redis; "
        "from lawzana.beat import configure; "
        "caches['default'].set('page', 'kept', 60); caches['ratelimit'].set('limit', 7, 60); "
        "app.send_task('intake.tasks.matches_sweep', queue='housekeeping'); "
        "configure(app); print(get_redis(app).ping()); "
        "print(Client().get('/healthz').content.decode())"
    )
    env = {
        **os.environ,
        "REDIS_URL": sentinel.url,
        "REDIS_SENTINEL_MASTER": MASTER,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
    }
    env.pop("REDIS_CACHE_URL", None)

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    ping, health = result.stdout.strip().splitlines()[-2:]
    assert ping == "True"
    assert json.loads(health)["checks"] == {"database": "ok", "redis": "ok"}
    master = sentinel.ports["master"]
    queued = on(master, 0, lambda broker: broker.lindex("housekeeping", 0))
    assert json.loads(queued)["headers"]["task"] == "intake.tasks.matches_sweep"
    assert any(b"page" in key for key in on(master, 1, lambda cache: cache.keys()))
    assert any(b"limit" in key for key in on(master, 2, lambda limits: limits.keys()))


def test_after_a_failover_the_cache_writes_to_the_new_master_without_a_restart(sentinel):
    cache = ResilientRedisCache(
        [sentinel.url.replace("/0", "/1")],
        {
            "OPTIONS": {
                "pool_class": "lawzana.redis_conn.SentinelPool",
                "sentinel_master": MASTER,
                "socket_connect_timeout": 1,
                "socket_timeout": 1,
            }
        },
    )
    broker = client(sentinel.url, master=MASTER, socket_timeout=1)
    cache.set("before", "one", 60)
    broker.set("queued", "a task")
    # Replication is asynchronous: wait until the replica has both, as a failover would not.
    assert wait_for(lambda: broker.execute_command("WAIT", 1, 500) == 1, timeout=10)
    old = current_master(sentinel)

    def failover_started():
        # Refused (NOGOODSLAVE) until the sentinel has seen the replica in sync.
        try:
            return sentinel.probe.execute_command("SENTINEL", "FAILOVER", MASTER)
        except redis.ResponseError:
            return False

    assert wait_for(failover_started, timeout=30, interval=0.5)
    assert wait_for(lambda: current_master(sentinel) != old, timeout=20)
    assert wait_for(lambda: on(current_master(sentinel), 0, lambda server: server.role()[0]) == b"master", timeout=10)
    new = current_master(sentinel)

    # The first call after the switch may hit the old master, now a read-only replica; the
    # connection is then dropped and the next asks the sentinels again. The cache fails open
    # meanwhile, and skips Redis for a few seconds after a failure (lawzana/cache.py).
    def written():
        resilient.forget_outages()
        try:
            cache.set("after", "two", 60)
            broker.set("queued-after", "another task")
        except redis.RedisError:
            return False
        cached = on(new, 1, lambda server: server.keys("*after*"))
        return bool(cached) and on(new, 0, lambda server: server.get("queued-after")) == b"another task"

    assert wait_for(written, timeout=15, interval=0.5)
    assert cache.get("before") == "one" and cache.get("after") == "two"
    assert broker.get("queued") == b"a task"
    assert new == sentinel.ports["replica"]
    pools = [broker.connection_pool, *cache._cache._pools.values()]
    for pool in pools:  # the masters' connections, then each pool's to the sentinels
        pool.disconnect()
        for node in pool.sentinel_manager.sentinels:
            node.close()
