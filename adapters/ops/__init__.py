"""adapters/ops: what operators reach over HTTP: GET /healthz and GET /metrics."""

from adapters.ops.server import OpsServer

__all__ = ["OpsServer"]
