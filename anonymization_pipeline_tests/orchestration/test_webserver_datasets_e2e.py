"""Three policies in one folder, served by a real `dagster dev` and looked at in Chromium: three
asset groups, the checks on the published asset, a failed run's one-line reason, and a plot of a
numeric figure over two runs. Screenshots go to `test-artifacts/`.

The datasets are small (1,500 generated users) so the runs take seconds; Adult is the third
group and is never run here.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster_graphql import DagsterGraphQLClient
from playwright.sync_api import expect, sync_playwright

from anonymization_pipeline.core.datasets import generate_users
from anonymization_pipeline.core.io import parse_location, write_table
from anonymization_pipeline_tests.conftest import adult_policy_document, new_dagster_home
from anonymization_pipeline_tests.orchestration.test_webserver_e2e import (
    CHROMIUM_ARGS,
    LOCATION,
    REPOSITORY,
    server_environment,
    skip_community_dialog,
    stay_on_loopback,
    wait_for_run,
    why_it_failed,
)
from anonymization_pipeline_tests.orchestration.webserver_process import LOOPBACK, DagsterDev, dagster_dev

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
PASSING, FAILING, ADULT = "small_users", "failing_users", "adult"
REASON = "not published: average prosecutor risk is"


@dataclass(frozen=True)
class ServedDatasets:
    dev: DagsterDev
    home: Path
    passing_runs: list[str]
    failed_run: str


def users_policy(folder: Path, name: str, **risk: float) -> dict:
    """The demo users policy on the test's generated users, without the linkage attack."""
    document = yaml.safe_load((REPO / "examples" / "policies" / "users.yaml").read_text())
    document["dataset"] |= {
        "name": name,
        "input": {"format": "csv", "path": str(folder / "data" / "users.csv")},
        "output": {"format": "parquet", "path": str(folder / "out" / name / "users.parquet")},
    }
    for field in ("sex", "city"):
        document["fields"][field]["hierarchy"]["table"] = str(REPO / "examples" / "users" / "hierarchies" / f"{field}.csv")
    document["privacy"]["k"] = 5
    document["risk"] = {"max_prosecutor_risk": 1.0, **risk}
    document["retry"] = {"max_attempts": 1}
    return document


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedDatasets]:
    folder = tmp_path_factory.mktemp("datasets_e2e")
    home = new_dagster_home(folder)
    write_table(generate_users(1500, 5), parse_location(str(folder / "data" / "users.csv")))
    policies = folder / "policies"
    policies.mkdir()
    documents = {
        PASSING: users_policy(folder, PASSING, max_average_risk=0.5),
        FAILING: users_policy(folder, FAILING, max_average_risk=0.001),
        ADULT: adult_policy_document(folder / "out" / "adult" / "adult.parquet"),
    }
    for name, document in documents.items():
        (policies / f"{name}.yaml").write_text(yaml.safe_dump(document))
    environment = server_environment(home, policies) | {"ANONYMIZER_POLICIES": str(policies)}
    environment.pop("ANONYMIZER_POLICY")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("NO_PROXY", LOOPBACK)
        monkeypatch.setenv("no_proxy", LOOPBACK)
        with dagster_dev(REPO, environment, folder / "dagster_dev.log") as dev:
            client = DagsterGraphQLClient(LOOPBACK, port_number=dev.port, timeout=30)

            def run(dataset: str) -> tuple[str, dg.DagsterRunStatus]:
                run_id = client.submit_job_execution(
                    f"anonymize_{dataset}", repository_location_name=LOCATION, repository_name=REPOSITORY
                )
                return run_id, wait_for_run(client, run_id)

            passing = [run(PASSING) for _ in range(2)]
            failed_run, failed_status = run(FAILING)
            with dg.DagsterInstance.from_config(str(home)) as instance:
                for run_id, status in passing:
                    assert status == dg.DagsterRunStatus.SUCCESS, why_it_failed(instance, run_id)
            assert failed_status == dg.DagsterRunStatus.FAILURE
            yield ServedDatasets(dev, home, [run_id for run_id, _ in passing], failed_run)


def test_the_failed_run_says_why_in_one_line(served: ServedDatasets) -> None:
    with dg.DagsterInstance.from_config(str(served.home)) as instance:
        failures = instance.all_logs(served.failed_run, of_type=dg.DagsterEventType.STEP_FAILURE)
    assert [entry.step_key for entry in failures] == [f"{FAILING}__anonymized_dataset"]
    reason = failures[0].dagster_event.step_failure_data.user_failure_data.description
    assert reason.startswith(REASON) and reason.endswith("; the policy allows 0.001") and "\n" not in reason


def test_the_ui_shows_groups_checks_the_failure_reason_and_a_plot(served: ServedDatasets) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not on PATH (CI installs Debian's chromium in .ci/run)")
    ARTIFACTS.mkdir(exist_ok=True)
    url = served.dev.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            stay_on_loopback(page, url)
            for group in (PASSING, FAILING, ADULT):
                page.goto(f"{url}/locations/{LOCATION}/asset-groups/{group}")
                skip_community_dialog(page)
                node = page.locator("svg foreignObject").filter(has=page.get_by_text("anonymized_dataset", exact=True))
                expect(node).to_be_visible(timeout=30_000)
                page.screenshot(path=ARTIFACTS / f"group_{group}.png")

            page.goto(f"{url}/assets/{PASSING}/anonymized_dataset?view=checks")
            for check in ("row_reconciliation", "published_schema", "no_raw_identifier_leaked"):
                expect(page.get_by_text(check).first).to_be_visible(timeout=30_000)
            page.screenshot(path=ARTIFACTS / "published_asset_checks.png")

            page.goto(f"{url}/runs/{served.failed_run}")
            expect(page.get_by_text(REASON).first).to_be_visible(timeout=30_000)
            page.screenshot(path=ARTIFACTS / "failed_run_reason.png")

            page.goto(f"{url}/assets/{PASSING}/anonymized_dataset")  # the overview's metadata: Table | Plots
            page.get_by_text("Plots", exact=True).first.click(timeout=30_000)
            expect(page.get_by_text("k_achieved").first).to_be_visible(timeout=30_000)
            expect(page.get_by_text("average_risk").first).to_be_visible(timeout=30_000)
            page.screenshot(path=ARTIFACTS / "published_asset_plots.png", full_page=True)
        finally:
            browser.close()

