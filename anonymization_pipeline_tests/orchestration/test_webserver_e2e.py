"""End to end through the real webserver: `dagster dev`, a run launched over GraphQL, the UI in Chromium.

One `dagster dev` serves both tests of this module (it takes seconds to start); it runs the
Adult policy from a temporary DAGSTER_HOME and is stopped, with every process it forked, when
the module ends. Leave it out while iterating on other code with
`pytest --ignore anonymization_pipeline_tests/orchestration/test_webserver_e2e.py`.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow.parquet as pq
import pytest
import yaml
from dagster_graphql import DagsterGraphQLClient
from dagster_shared.error import SerializableErrorInfo
from playwright.sync_api import Page, Route, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from anonymization_pipeline.core.datasets import ADULT_QUASI_IDENTIFIERS
from anonymization_pipeline.core.keys import encode_key_material
from anonymization_pipeline.orchestration.failures import error_classes
from anonymization_pipeline_tests.conftest import TEST_KEYS, adult_policy_document, new_dagster_home
from anonymization_pipeline_tests.orchestration.webserver_process import (
    LOOPBACK,
    DagsterDev,
    dagster_dev,
    descendants,
    process_group_members,
)

REPO = Path(__file__).resolve().parents[2]
SCREENSHOT = REPO / "test-artifacts" / "asset_graph.png"
LOCATION, REPOSITORY, GROUP, JOB = "anonymization_pipeline", "__repository__", "adult", "anonymize_adult"
STAGES = [
    "raw_records",
    "field_classification",
    "identifiers_protected",
    "quasi_identifiers_generalized",
    "sensitive_protected",
    "risk_assessment",
    "anonymized_dataset",
]
ADULT_ROWS = 30162
ADULT_TRANSFORMATION = [1, 1, 1, 2, 3, 2, 2, 1, 1]
RUN_TIMEOUT_SECONDS = 120
TERMINAL = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
GROUP_NODES_QUERY = f"""{{ assetNodes(group: {{groupName: "{GROUP}", repositoryName: "{REPOSITORY}",
  repositoryLocationName: "{LOCATION}"}}) {{ assetKey {{ path }}
  assetChecksOrError {{ __typename ... on AssetChecks {{ checks {{ name }} }} }} }} }}"""


@dataclass(frozen=True)
class ServedRun:
    """A run of the whole job, launched through the webserver and finished."""

    dev: DagsterDev
    home: Path
    output: Path
    run_id: str
    status: dg.DagsterRunStatus


@pytest.fixture(scope="module")
def served_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedRun]:
    """`dagster dev` on a free loopback port running the Adult policy, and one finished run of the job."""
    folder = tmp_path_factory.mktemp("webserver_e2e")
    home = new_dagster_home(folder)
    output = folder / "out" / "adult.parquet"
    policy = folder / "policy.yaml"
    policy.write_text(yaml.safe_dump(adult_policy_document(output)))
    children_before = set(descendants(os.getpid()))

    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("NO_PROXY", LOOPBACK)  # the GraphQL client's requests go straight to the server
        environment.setenv("no_proxy", LOOPBACK)
        with dagster_dev(REPO, server_environment(home, policy), folder / "dagster_dev.log") as dev:
            client = DagsterGraphQLClient(LOOPBACK, port_number=dev.port, timeout=30)
            run_id = client.submit_job_execution(
                JOB, repository_location_name=LOCATION, repository_name=REPOSITORY
            )
            yield ServedRun(dev, home, output, run_id, wait_for_run(client, run_id))

    assert process_group_members(dev.process.pid) == [], "dagster dev left processes behind"
    assert set(descendants(os.getpid())) - children_before == set(), "a child process outlived the test"


def server_environment(home: Path, policy: Path) -> dict[str, str]:
    """This environment minus any developer key or storage setting, plus the test instance, policy and keys."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("ANONYMIZER_")}
    environment |= {
        "DAGSTER_HOME": str(home),
        "ANONYMIZER_STORAGE_DIR": str(home / "anonymizer_storage"),
        "ANONYMIZER_POLICY": str(policy),
        "ANONYMIZER_PROJECT_FILE": "",  # never the developer's anonymizer.yaml
    }
    return environment | {f"ANONYMIZER_KEY_{name.upper()}": encode_key_material(key) for name, key in TEST_KEYS.items()}


def wait_for_run(client: DagsterGraphQLClient, run_id: str) -> dg.DagsterRunStatus:
    """The run's status once it is terminal; the last one seen if RUN_TIMEOUT_SECONDS pass first."""
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    status = client.get_run_status(run_id)
    while status not in TERMINAL and time.monotonic() < deadline:
        time.sleep(1)
        status = client.get_run_status(run_id)
    return status


def why_it_failed(instance: dg.DagsterInstance, run_id: str) -> str:
    """Each failed step as `step: ErrorClass: first line`, else the run's failure event.

    The class is our error's when one is in the chain (our messages carry no data), else the innermost cause's.
    """
    steps = [
        f"{entry.step_key}: {error_summary(entry.dagster_event.step_failure_data.error)}"
        for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
    ]
    runs = [entry.message for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE)]
    return "; ".join(steps or runs) or "no failure event recorded"


def error_summary(error: SerializableErrorInfo) -> str:
    """`Class: first line` of the first of our errors in Dagster's chain of causes, else of the innermost cause."""
    ours = error_classes()
    while error.cause is not None and error.cls_name not in ours:
        error = error.cause
    qualified_class = re.compile(rf"^[\w.]*{re.escape(error.cls_name)}: ")
    return f"{error.cls_name}: {qualified_class.sub('', error.message.strip().splitlines()[0])}"


def materialization_metadata(instance: dg.DagsterInstance, run_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(asset, metadata values) for every materialization the run recorded, in order."""
    return [
        (
            entry.asset_materialization.asset_key.to_user_string(),
            {key: value.value for key, value in entry.asset_materialization.metadata.items()},
        )
        for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    ]


def check_results(instance: dg.DagsterInstance, run_id: str) -> dict[tuple[str, str], bool]:
    """(asset, check) → passed, for every asset check the run evaluated."""
    evaluations = (
        entry.asset_check_evaluation
        for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    )
    return {(e.asset_key.to_user_string(), e.check_name): e.passed for e in evaluations}


def served_group(dev: DagsterDev) -> tuple[set[str], set[tuple[str, str]]]:
    """The assets of the Adult dataset's group the webserver serves, and their declared checks."""
    nodes = dev.graphql(GROUP_NODES_QUERY)["assetNodes"]
    unreadable = {node["assetChecksOrError"]["__typename"] for node in nodes} - {"AssetChecks"}
    assert not unreadable, f"the webserver could not list asset checks: {unreadable}"
    assets = {"/".join(node["assetKey"]["path"]) for node in nodes}
    checks = {
        ("/".join(node["assetKey"]["path"]), check["name"])
        for node in nodes
        for check in node["assetChecksOrError"]["checks"]
    }
    return assets, checks


def stay_on_loopback(page: Page, origin: str) -> None:
    """Abort any request the page makes to somewhere other than the test's webserver."""

    def only_the_webserver(route: Route) -> None:
        if route.request.url.startswith(f"{origin}/"):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", only_the_webserver)


def skip_community_dialog(page: Page) -> None:
    """A fresh instance opens a sign-up dialog about a second after the first page loads; skip it."""
    skip = page.get_by_role("button", name="Skip")
    try:
        skip.click(timeout=10_000)
    except PlaywrightTimeout:
        return
    expect(skip).to_be_hidden()


def test_a_run_launched_over_graphql_materializes_every_stage_and_publishes(served_run: ServedRun) -> None:
    with dg.DagsterInstance.from_config(str(served_run.home)) as instance:
        failure = f"run {served_run.status.value}: {why_it_failed(instance, served_run.run_id)}"
        assert served_run.status == dg.DagsterRunStatus.SUCCESS, failure
        materialized = materialization_metadata(instance, served_run.run_id)
        checks_run = check_results(instance, served_run.run_id)

    keys = [f"{GROUP}/{stage}" for stage in STAGES]
    assert sorted(asset for asset, _ in materialized) == sorted(keys)
    metadata = dict(materialized)
    transformation = metadata[f"{GROUP}/quasi_identifiers_generalized"]["privacy"]["transformation"]
    assert [transformation[column] for column in ADULT_QUASI_IDENTIFIERS] == ADULT_TRANSFORMATION
    assert metadata[f"{GROUP}/anonymized_dataset"]["status"] == "published"
    assert pq.read_metadata(served_run.output).num_rows == ADULT_ROWS

    served_assets, declared_checks = served_group(served_run.dev)
    assert served_assets == set(keys)
    assert checks_run == dict.fromkeys(declared_checks, True)


def test_the_asset_graph_page_shows_every_stage_materialized(served_run: ServedRun) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not on PATH (CI installs Debian's chromium in .ci/run): asset graph page not checked")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            stay_on_loopback(page, served_run.dev.url)
            page.goto(f"{served_run.dev.url}/locations/{LOCATION}/asset-groups/{GROUP}")
            skip_community_dialog(page)
            for stage in STAGES:
                node = page.locator("svg foreignObject").filter(has=page.get_by_text(stage, exact=True))
                expect(node).to_be_visible(timeout=30_000)
                expect(node).to_contain_text("Materialized", timeout=30_000)
            page.screenshot(path=SCREENSHOT)
        finally:
            browser.close()
