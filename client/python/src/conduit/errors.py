"""The one error type of the package: what the node answered, or what the client saw."""

from typing import Any, Dict, Optional


class ConduitError(Exception):
    """A coded failure: an ERROR reply from the bridge, or one the client raises itself.

    ``code`` is the protocol's error code (``NOT_FOUND``, ``CONFLICT``, ``TIMEOUT``,
    ``UNAVAILABLE``, ``NO_HANDLERS``, ``FORBIDDEN``, ...; docs/protocol.md lists them all),
    ``message`` the node's sentence, ``status`` the status the consumer failed with when it gave one
    (a store's 400, 404 or 409; None otherwise) and ``details`` every other field of the reply
    (``timeoutMs``, ``limit``, ...). The client's own codes: ``TIMEOUT`` (no reply in time),
    ``UNAVAILABLE`` (no bridge answered), ``BAD_REPLY`` (not a CBP/1 reply).
    """

    def __init__(self, code: str, message: str, details: Optional[Dict[str, Any]] = None,
                 status: Optional[int] = None) -> None:
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message
        self.details: Dict[str, Any] = dict(details or {})
        failure_code = self.details.get("failureCode")
        if status is None and isinstance(failure_code, int) and not isinstance(failure_code, bool):
            status = failure_code
        self.status = status

    @classmethod
    def from_body(cls, body: Any) -> "ConduitError":
        """The error an ERROR reply's JSON body describes (``{"code", "message", ...}``)."""
        if not isinstance(body, dict):
            return cls("BAD_REPLY", "an ERROR reply without a JSON object body: %r" % (body,))
        details = {k: v for k, v in body.items() if k not in ("code", "message")}
        code, message = body.get("code"), body.get("message")
        if not isinstance(code, str) or not code:
            # a null, a number: no code the protocol has; the value stays in details for whoever asks
            if "code" in body:
                details["code"] = code
            code = "RECIPIENT_FAILURE"
        return cls(code, message if isinstance(message, str) else "", details)

    def __reduce__(self):  # picklable, e.g. across multiprocessing
        return (ConduitError, (self.code, self.message, self.details, self.status))
