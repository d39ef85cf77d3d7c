"""A local Spark Connect server: the cluster path (SPARK_REMOTE=sc://host:port) exercised on one machine.

pyspark ships the server (`org.apache.spark.sql.connect.service.SparkConnectServer`); it is started
with the same state layout as the in-process `spark` target (dbt_project/profiles.yml): metastore,
warehouse and scratch under one folder. A real cluster runs its own server; only SPARK_REMOTE changes.

    python -m pipelines.spark connect-server --dir data/spark --port 15002   # until Ctrl-C
"""
from __future__ import annotations

import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from pipelines.procs import stop_group

START_SECONDS = 180  # a cold JVM on a busy 2-core machine


def _spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def server_command(state: Path, port: int, driver_memory: str = "3g") -> list[str]:
    home = _spark_home()
    java_options = (f"-Dderby.system.home={state} -Djava.io.tmpdir={state}/tmp -XX:TieredStopAtLevel=1 "
                    "-XX:+UseSerialGC -XX:ReservedCodeCacheSize=512m")
    conf = {
        "spark.connect.grpc.binding.address": "127.0.0.1",
        "spark.connect.grpc.binding.port": str(port),
        "spark.sql.catalogImplementation": "hive",
        "spark.sql.warehouse.dir": f"{state}/warehouse",
        "spark.local.dir": f"{state}/tmp",
        "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={state}/metastore_db;create=true",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.extraJavaOptions": java_options,
    }
    command = [str(home / "bin" / "spark-submit"), "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
               "--name", "sssg-spark-connect", "--master", "local[2]", "--driver-memory", driver_memory]
    for key, value in conf.items():
        command += ["--conf", f"{key}={value}"]
    return [*command, "spark-internal"]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_connect_server(state: Path, port: int | None = None, log: Path | None = None):
    """Start a Connect server on 127.0.0.1 with its state in `state`; yield its sc:// address; stop it."""
    port = port or free_port()
    (state / "tmp").mkdir(parents=True, exist_ok=True)
    log = log or state / "connect-server.log"
    env = {**os.environ, "SPARK_HOME": str(_spark_home()), "SPARK_LOCAL_IP": "127.0.0.1"}
    env.pop("SPARK_REMOTE", None)
    with log.open("ab") as out:
        server = subprocess.Popen(server_command(state, port), env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _listening(port):
            if server.poll() is not None:
                raise RuntimeError(f"Spark Connect 服务未能启动（退出码 {server.returncode}），日志：{log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Spark Connect 服务 {START_SECONDS} 秒内未在端口 {port} 上监听，日志：{log}")
            time.sleep(0.5)
        yield f"sc://127.0.0.1:{port}"
    finally:
        stop_group(server, grace=60)
