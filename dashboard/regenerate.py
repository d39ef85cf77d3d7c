"""Report regeneration from the reports page (考核办 and the operator): the dashboard asks Dagster, which
owns every run, to run the report job for one period, through the Dagster webserver's GraphQL API
(the run queue keeps it from overlapping others; the daemon runs it). The run is tagged with who asked
and sssg/mail=off: a regenerated report replaces the stored one and is not e-mailed again.

SSSG_DAGSTER_URL names the webserver (default http://127.0.0.1:$SSSG_DAGSTER_PORT, port 3000; behind
the deployment's nginx http://127.0.0.1:3000/dagster)."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

from dashboard.roles import Reader

JOBS = {"monthly": "monthly_report_job", "annual": "annual_report_job"}
MAIL_TAG = "sssg/mail"  # pipelines.reports.dagster_defs.MAIL_TAG (not imported: it loads all of Dagster)


class RegenerateError(RuntimeError):
    """The run could not be submitted; the message says why in plain words."""


def dagster_url() -> str:
    value = os.environ.get("SSSG_DAGSTER_URL", "").strip()
    return value or f"http://127.0.0.1:{os.environ.get('SSSG_DAGSTER_PORT', '3000').strip() or '3000'}"


def partition_key(kind: str, period: str) -> str:
    """The report job's partition of a stored period: 2025-11 -> 2025-11-01 (monthly), 2025 (annual)."""
    return f"{period}-01" if kind == "monthly" else period


def submit(kind: str, period: str, reader: Reader) -> str:
    """Submit the report job for `period`; the run's id."""
    from dagster_graphql import DagsterGraphQLClient

    url = urlsplit(dagster_url())
    try:
        client = DagsterGraphQLClient(url.hostname or "127.0.0.1", port_number=url.port,
                                      use_https=url.scheme == "https", path_prefix=url.path.rstrip("/"), timeout=20)
        return client.submit_job_execution(
            JOBS[kind], tags={"dagster/partition": partition_key(kind, period), "report_period": period,
                              MAIL_TAG: "off", "sssg/requested_by": reader.user})
    except Exception as exc:  # noqa: BLE001 (the client, requests and gql each raise their own)
        raise RegenerateError(f"{dagster_url()}: {type(exc).__name__}: {exc}") from None
