"""adapters/ops: what operators reach over HTTP (health, metrics) and structured logs."""

from adapters.ops.logs import JsonFormatter
from adapters.ops.server import OpsServer

__all__ = ["JsonFormatter", "OpsServer"]
