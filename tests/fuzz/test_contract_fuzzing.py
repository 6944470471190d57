"""Property-based requests generated from every OpenAPI document the service answers.

Each served operation of each version (those of ``paths``, and those of
``x-ms-paths`` under their bare path: see ``tests.fuzz.contracts``) gets a
bounded number of generated requests, schema-valid and schema-violating alike, sent to the dev host under
``/face/<version>`` with the subscription key. Path parameters and body ids are
sometimes swapped for ids of real, seeded resources (never on DELETE, so the
seeds survive), and image streams for a photo of a face, so requests reach the
operations and not only their 404s and 400s.
Whatever a request is, the answer must not be a 5xx; a 4xx must carry Azure's
``{"error": {"code", "message"}}`` envelope; a 2xx must conform to the response
schema of its version. Generation is derandomised, so a run is repeatable.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

from core.auth import KEY_HEADER
from tests.fuzz.conftest import Seeds
from tests.fuzz.contracts import CONTRACTS, Contract, overloads, prepared_document
from tests.support.servers import DevHost

EXAMPLES_PER_OPERATION = int(os.environ.get("FACE_FUZZ_EXAMPLES", "16"))
"""Generated requests per operation and version: 16 keeps every operation of every version within a few minutes
on 2 cores; ``FACE_FUZZ_EXAMPLES`` asks for a deeper run."""
OCTET_STREAM = "application/octet-stream"
REQUEST_TIMEOUT = 30.0
"""Seconds one request may take; URL images are fetched with a 2 s timeout, so nothing legitimate comes close."""


@cache
def schema(version: str, overload: str | None = None) -> Any:
    """The schemathesis schema of one version's prepared document (its ``paths``, or one ``x-ms-paths`` key)."""
    return schemathesis.openapi.from_dict(prepared_document(CONTRACTS_BY_VERSION[version], overload))


CONTRACTS_BY_VERSION = {contract.version: contract for contract in CONTRACTS}


@cache
def forms(version: str, method: str, path: str) -> tuple[APIOperation, ...]:
    """Every operation of a version on one path and method: the one of ``paths`` and those of ``x-ms-paths``
    (request forms the service tells apart by their body or content type)."""
    schemas = [schema(version)] + [schema(version, key) for key in overloads(CONTRACTS_BY_VERSION[version])]
    operations = (result.ok() for each in schemas for result in each.get_all_operations())
    return tuple(operation for operation in operations if (operation.method.upper(), operation.path) == (method, path))


def declaring_case(case: Case, version: str, status: int) -> Case:
    """The request as a case of the form that declares ``status``: its own operation when that declares it,
    else another form of its path and method (a body valid for several forms is answered as one of them,
    such as a dynamic group update without person changes, 200 rather than 202). A 2xx no form declares fails.
    """
    if str(status) in case.operation.responses.status_codes:
        return case
    for form in forms(version, case.method.upper(), case.path):
        if str(status) in form.responses.status_codes:
            return form.Case(
                method=case.method,
                path_parameters=case.path_parameters,
                headers=case.headers,
                query=case.query,
                body=case.body,
                media_type=case.media_type,
            )
    pytest.fail(f"{status} is declared by no form of {case.method.upper()} {case.path}\n{case.as_curl_command()}")


OPERATIONS = [
    pytest.param(contract, None, result.ok().label, id=f"{contract.version} {result.ok().label}")
    for contract in CONTRACTS
    for result in schema(contract.version).get_all_operations()
] + [
    pytest.param(contract, key, result.ok().label, id=f"{contract.version} {result.ok().method.upper()} {key}")
    for contract in CONTRACTS
    for key in overloads(contract)
    for result in schema(contract.version, key).get_all_operations()
]


def aim_at_seeds(case: Case, version: str, seeds: Seeds, data: st.DataObject) -> None:
    """Swap some generated ids for real ones (a DELETE's for disposable ones, if any, so the seeds
    survive), and some generated image streams for a photo of a face (so detection answers with faces)."""
    if case.media_type == OCTET_STREAM and data.draw(st.booleans(), label="real image"):
        case.body = seeds.image
    for name, value in seeds.path_values(version, case.method, case.path).items():
        if name in (case.path_parameters or {}) and data.draw(st.booleans(), label=f"real {name}"):
            case.path_parameters[name] = value
    if isinstance(case.body, dict):
        for name, body_value in seeds.body_values(case.operation.definition.raw.get("operationId", "")).items():
            if name in case.body and data.draw(st.booleans(), label=f"real {name}"):
                case.body[name] = body_value


def assert_keeps_contract(case: Case, version: str, response: Any) -> None:
    """No 5xx; a 4xx in Azure's envelope; a 2xx one of the request's forms declares, as that declaration says:
    its schema, and every header it names (the long-running 202s' ``operation-Location``, and ``Location``
    where documented)."""
    request = case.as_curl_command()
    assert response.status_code < 500, f"{response.status_code} {response.text[:500]}\n{request}"
    if 400 <= response.status_code < 500:
        try:
            body = response.json()
        except json.JSONDecodeError:
            pytest.fail(f"{response.status_code} without a JSON body: {response.text[:200]!r}\n{request}")
        error = body.get("error") if isinstance(body, dict) else None
        assert isinstance(error, dict) and set(body) == {"error"}, f"not Azure's envelope: {body}\n{request}"
        assert isinstance(error.get("code"), str) and isinstance(error.get("message"), str), f"{body}\n{request}"
    elif response.status_code < 300:
        declaring = declaring_case(case, version, response.status_code)
        declared = declaring.operation.responses.get(str(response.status_code))
        # Swagger 2.0 has no way to mark a response header required, so schemathesis checks only the values
        # of those present; the documents declare headers only where the answer always carries them.
        # The response's header names are lower-cased.
        names = [name for name, _ in declared.headers.items()] if declared else []
        missing = [name for name in names if name.lower() not in response.headers]
        assert not missing, f"{response.status_code} without {missing}: {dict(response.headers)}\n{request}"
        # The documents declare application/json for every answer; an empty 2xx has no media type to check.
        checks = [response_schema_conformance, response_headers_conformance]
        checks += [content_type_conformance] if response.content else []
        declaring.validate_response(response, checks=checks)


@pytest.mark.slow
@pytest.mark.parametrize(("contract", "overload", "label"), OPERATIONS)
def test_generated_requests_keep_the_contract(
    contract: Contract, overload: str | None, label: str, fuzz_host: DevHost, seeds: Seeds
) -> None:
    operation = schema(contract.version, overload).find_operation_by_label(label)
    assert operation is not None
    base_url = fuzz_host.versioned_url(contract.version)
    headers = {KEY_HEADER: fuzz_host.key}
    requests = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=requests, data=st.data())
    def keeps_contract(case: Case, data: st.DataObject) -> None:
        aim_at_seeds(case, contract.version, seeds, data)
        response = case.call(base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT)
        assert_keeps_contract(case, contract.version, response)

    keeps_contract()
