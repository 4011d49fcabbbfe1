"""The learning record store's tables, one module per resource (each owned by the code that serves it)."""

from .clients import LrsClient
from .documents import XapiDocument
from .forwarding import ForwardedStatement
from .statements import Activity, AttachmentContent, Statement, StatementActivity, StatementAgent

__all__ = ["Activity", "AttachmentContent", "ForwardedStatement", "LrsClient", "Statement", "StatementActivity",
           "StatementAgent", "XapiDocument"]
