"""`anonymize report schema` prints report.json's JSON Schema."""

from __future__ import annotations

import json

from anonymization_pipeline.cli.main import main


def test_report_schema_prints_the_json_schema(capsys):
    assert main(["report", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "RunReport"
    assert "criteria" in schema["$defs"]["RiskSummary"]["properties"]
