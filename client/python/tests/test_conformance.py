"""The language-neutral conformance cases (client/conformance/cases.json), which the JVM client runs
too (ConformanceIT): the same requests must give the same values and errors through both."""

import base64
import json
import pathlib
import uuid

import pytest

from conduit import ConduitError

CASES = json.loads((pathlib.Path(__file__).resolve().parents[2] / "conformance" / "cases.json").read_text("utf-8"))


def substitute(value, run):
    if isinstance(value, str):
        return value.replace("${run}", run)
    if isinstance(value, list):
        return [substitute(v, run) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, run) for k, v in value.items()}
    return value


def contains(actual, expected):
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and contains(actual[k], v) for k, v in expected.items())
    return actual == expected


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_case(client, case):
    run = uuid.uuid4().hex[:12]
    for number, step in enumerate(substitute(case["steps"], run)):
        request, expect = step["request"], step["expect"]
        body = base64.b64decode(request["bodyBase64"]) if "bodyBase64" in request else request.get("body")
        where = "step %d of '%s'" % (number, case["name"])
        try:
            value = client.request(request["address"], body, headers=request.get("headers"),
                                   timeout=request.get("timeout"))
        except ConduitError as e:
            assert "error" in expect, "%s failed: %s" % (where, e)
            assert e.code == expect["error"]["code"], "%s: %s" % (where, e)
            if "status" in expect["error"]:
                assert e.status == expect["error"]["status"], "%s: %s (status %s)" % (where, e, e.status)
            continue
        assert "error" not in expect, "%s: expected %s, got %r" % (where, expect["error"], value)
        if "value" in expect:
            assert value == expect["value"], where
        if "valueBase64" in expect:
            assert value == base64.b64decode(expect["valueBase64"]), where
        if "contains" in expect:
            assert contains(value, expect["contains"]), "%s: %r does not contain %r" % (where, value, expect["contains"])
