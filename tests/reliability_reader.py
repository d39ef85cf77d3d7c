"""A dashboard reader for the reliability tests: every data loader of every page (package `serving`,
listed in pipelines.bench.loaders), against one pinned version of the serving artefact, in a loop;
one JSON line per round (the version read and a fingerprint of everything the loaders returned, or the
error).

    python tests/reliability_reader.py OUT_FILE STOP_FILE      (SSSG_SERVING_PATH names the artefact)
"""
from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
logging.disable(logging.WARNING)  # Streamlit's "no runtime" notes outside a server

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from dashboard import data  # noqa: E402  (installs the dashboard's cached query runner)
from pipelines.bench.loaders import page_loaders  # noqa: E402

PAUSE_SECONDS = 1.0  # leave the pipeline some of the machine's two cores


def loader_outputs() -> list[tuple[str, object]]:
    """What every page loads (the serving loaders of pipelines.bench.loaders: the latest year, the
    city, a county and a department of the pinned version)."""
    return [(f"{page}:{label}", call()) for page, label, call in page_loaders()]


def fingerprint(outputs: list[tuple[str, object]]) -> str:
    digest = hashlib.sha256()
    for name, value in outputs:
        digest.update(name.encode())
        if isinstance(value, pd.DataFrame):
            digest.update(value.to_csv(index=False).encode())
        else:
            digest.update(repr(value).encode())
    return digest.hexdigest()


def main(out_file: str, stop_file: str) -> None:
    stop = Path(stop_file)
    with open(out_file, "a", encoding="utf-8") as out:
        while not stop.exists():
            st.cache_data.clear()  # really read the file every round
            started = time.time()
            try:
                with data.snapshot() as version:
                    line = {"version": version.name, "fingerprint": fingerprint(loader_outputs())}
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                line = {"error": f"{type(exc).__name__}: {exc}"}
            line["started"], line["seconds"] = started, round(time.time() - started, 3)
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
            time.sleep(PAUSE_SECONDS)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
