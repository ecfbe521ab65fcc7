"""Read-only facts from botocore's own CloudTrail service model, loaded once on first use.

Enumerations, operation names and error shapes come from here instead of hand-copied lists, so
the mock follows the botocore release it runs with. Loading is deferred so that importing
mock_insights stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any

from botocore import xform_name
from botocore.loaders import create_loader
from botocore.model import ServiceModel, StringShape

from mock_insights.errors import UsageError

SERVICE_NAME = "cloudtrail"


# Models botocore already parsed for a client (see ``adopt``), and where else to look for a
# loader that may have one cached (an adapter sets it: the model imports no client code).
_adopted: dict[str, ServiceModel] = {}
LoaderSource = Callable[[], Any]
loader_sources: list[LoaderSource] = []


@cache
def _installed_search_paths() -> tuple[str, ...]:
    """Where botocore looks for models unless a session is told otherwise."""
    return tuple(create_loader().search_paths)


def installed(loader: Any, service: str = SERVICE_NAME) -> bool:
    """Whether ``loader`` reads ``service``'s model where the mock would: its search paths are
    botocore's own, plus only folders without that service (boto3 adds its resource models)."""
    return _same_source(tuple(getattr(loader, "search_paths", ())), service)


@cache
def _same_source(search_paths: tuple[str, ...], service: str) -> bool:
    ours = _installed_search_paths()
    extra = [path for path in search_paths if path not in ours]
    return set(ours) <= set(search_paths) and not any(
        os.path.isdir(os.path.join(path, service)) for path in extra
    )


def adopt(model: ServiceModel, loader: Any) -> None:
    """Answer from the model a client already loaded, instead of loading and parsing it again
    (about 15 ms), if its ``loader`` reads the installed models; the first one of each
    service is kept. Cheap: it runs per new client."""
    if model.service_name not in _adopted and installed(loader):
        _adopted[model.service_name] = model


def _load(service: str) -> dict[str, Any]:
    """The model's data from a loader that may have it cached already, else a fresh one."""
    for source in loader_sources:
        loader = source()
        if loader is not None and installed(loader):
            data: dict[str, Any] = loader.load_service_model(
                service, type_name="service-2", api_version=None
            )  # the arguments botocore's session uses, so a cached model is found
            return data
    fresh: dict[str, Any] = create_loader().load_service_model(service, "service-2")
    return fresh


@cache
def service_model(service: str = SERVICE_NAME) -> ServiceModel:
    """A service model of the installed botocore: CloudTrail's unless another is named."""
    adopted = _adopted.get(service)
    return adopted if adopted is not None else ServiceModel(_load(service), service)


def _model_data(service: str) -> dict[str, Any]:
    data: dict[str, Any] = service_model(service)._service_description
    return data


@cache
def current_members(shape_name: str) -> tuple[str, ...]:
    """The members of a structure that the model does not mark as deprecated (no longer
    returned by the service), in model order."""
    shape = _model_data(SERVICE_NAME)["shapes"][shape_name]
    return tuple(name for name, member in shape["members"].items() if not member.get("deprecated"))


@cache
def target_prefix() -> str:
    """The ``X-Amz-Target`` prefix that names CloudTrail's operations on the wire."""
    return str(service_model().metadata["targetPrefix"])


@cache
def short_target_prefix() -> str:
    """The last part of the ``X-Amz-Target`` prefix (``CloudTrail_20131101``): the Smithy
    service name, which the Go, JavaScript and Java SDKs send as the prefix."""
    return target_prefix().rpartition(".")[2]


@cache
def operation_names() -> frozenset[str]:
    """Every operation the CloudTrail API has, implemented by us or not."""
    return frozenset(service_model().operation_names)


@cache
def enum_values(shape_name: str, service: str = SERVICE_NAME) -> tuple[str, ...]:
    """The allowed values of a string enum shape, in model order (KMS's ``KeyState`` too)."""
    shape = service_model(service).shape_for(shape_name)
    if not isinstance(shape, StringShape) or not shape.enum:
        raise KeyError(f"{shape_name} is not an enum shape in the {service} model")
    return tuple(shape.enum)


@cache
def members(shape_name: str) -> tuple[str, ...]:
    """The member names of a structure shape, in model order."""
    return tuple(service_model().shape_for(shape_name).members)


@cache
def has_member(shape_name: str, member: str) -> bool:
    """Whether the installed botocore's model has this member (older models lack newer ones)."""
    return member in service_model().shape_for(shape_name).members


@cache
def error_codes() -> frozenset[str]:
    """Every error code the CloudTrail model declares."""
    return frozenset(shape.name for shape in service_model().error_shapes)


@cache
def operation_error_codes(operation: str) -> frozenset[str]:
    """The error codes the model lists for one operation."""
    return frozenset(
        shape.name for shape in service_model().operation_model(operation).error_shapes
    )


@cache
def _operations_by_python_name() -> dict[str, str]:
    return {xform_name(name): name for name in operation_names()}


def operation_name(name: str) -> str:
    """The model's name for an operation given as ``PutInsightSelectors`` or
    ``put_insight_selectors``; a typo is a ``UsageError`` that suggests the closest names."""
    if name in operation_names():
        return name
    found = _operations_by_python_name().get(name)
    if found is not None:
        return found
    import difflib  # only for a typo's hint

    close = difflib.get_close_matches(name, sorted(operation_names()), n=3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise UsageError(f"{name!r} is not a CloudTrail operation.{hint}")


@cache
def input_members(operation: str) -> tuple[str, ...]:
    """The top-level parameter names ``operation`` takes, in model order (none without input)."""
    shape = service_model().operation_model(operation).input_shape
    return () if shape is None else tuple(shape.members)


@cache
def all_input_members() -> frozenset[str]:
    """Every top-level parameter name of any CloudTrail operation."""
    return frozenset(name for operation in operation_names() for name in input_members(operation))
